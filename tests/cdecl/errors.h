// nogcc: one mistake per definition; the layout lists what still parsed.
struct unknown_type { int a; foo_t b; long c; };
struct dup { int a; int b; char a; };
struct dup_anon { int x; union { long x; char y; }; };
struct incomplete { struct nowhere n; };
struct self_ref { int a; struct self_ref again; };
struct uses_bad { struct unknown_type u; int ok; };
struct floaty { int a; double d; };
struct bad_width { char c : 9; int ok : 3; };
struct zero_named { int z : 0; };
struct syntax { int a b; };
struct good_after_errors { int fine; };
struct good_after_errors { long again; };
union tag_clash { int a; };
struct tag_clash *p;
struct flex_middle { int n; char data[]; int after; };
struct neg_array { int a[-1]; };
enum e1 { E_A = UNDEFINED_NAME + 1 };
enum e2 { E_DUP, E_OTHER = 3, E_DUP };
struct div0 { char a[1 / 0]; };
typedef int number;
typedef long number;
struct void_field { void v; };
struct fn_field { int f(int); };
struct missing_semi { int a }
