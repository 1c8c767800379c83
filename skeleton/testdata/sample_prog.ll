; sample_prog.ll: a hand-written BPF module used by the skeleton tests.
; Input to the LLVM BPF backend (compiled in-process by test_support.cpp); the resulting ELF has
; what a btc-generated object has: BTF-defined maps in ".maps" (a ring buffer and a per-CPU
; hash), a ".rodata" config struct, a ".bss" counter and programs in tracepoint, raw_tp and
; perf_event sections. Debug info is what makes the backend emit .BTF/.BTF.ext; the map
; definitions follow libbpf's convention (each attribute is a pointer to int[value]).
; Equivalent C:
;   struct { int (*type)[27]; int (*max_entries)[4096]; } events SEC(".maps");
;   struct { int (*type)[5]; int (*key_size)[8]; int (*value_size)[8];
;            int (*max_entries)[128]; } counts SEC(".maps");
;   struct btc_config { unsigned long long start_ns; unsigned long long target_pid; };
;   const volatile struct btc_config btc_config;
;   unsigned long long nr_events;
;   SEC("tracepoint/syscalls/sys_enter_openat") int tp_openat(void *ctx);
;   SEC("raw_tp") int BEGIN_1(void *ctx);   // reads a string literal: a .rodata.str1.1 map
;   SEC("perf_event") int profile_hz_99(void *ctx);
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"

%ringbuf_def = type { ptr, ptr }
%hash_def = type { ptr, ptr, ptr, ptr }
%struct.btc_config = type { i64, i64 }

@events = dso_local global %ringbuf_def zeroinitializer, section ".maps", align 8, !dbg !10
@counts = dso_local global %hash_def zeroinitializer, section ".maps", align 8, !dbg !20
@btc_config = dso_local constant %struct.btc_config zeroinitializer, section ".rodata", align 8, !dbg !40
@nr_events = dso_local global i64 0, section ".bss", align 8, !dbg !50
@fmt = private unnamed_addr constant [4 x i8] c"hi\0A\00", align 1
@LICENSE = dso_local global [4 x i8] c"GPL\00", section "license", align 1, !dbg !60
@llvm.compiler.used = appending global [6 x ptr] [ptr @events, ptr @counts, ptr @LICENSE, ptr @tp_openat, ptr @BEGIN_1, ptr @profile_hz_99], section "llvm.metadata"

define dso_local i32 @tp_openat(ptr %ctx) #0 section "tracepoint/syscalls/sys_enter_openat" !dbg !70 {
  %pid = load volatile i64, ptr getelementptr inbounds (%struct.btc_config, ptr @btc_config, i32 0, i32 1), align 8, !dbg !74
  %n = load i64, ptr @nr_events, align 8, !dbg !74
  %n1 = add i64 %n, %pid, !dbg !74
  store i64 %n1, ptr @nr_events, align 8, !dbg !74
  ret i32 0, !dbg !74
}

define dso_local i32 @BEGIN_1(ptr %ctx) #0 section "raw_tp" !dbg !75 {
  %c = load volatile i8, ptr getelementptr inbounds ([4 x i8], ptr @fmt, i64 0, i64 1), align 1, !dbg !76
  ret i32 0, !dbg !76
}

define dso_local i32 @profile_hz_99(ptr %ctx) #0 section "perf_event" !dbg !77 {
  ret i32 0, !dbg !78
}

; nounwind: no .eh_frame, which libbpf would skip with a warning.
attributes #0 = { nounwind }

!llvm.dbg.cu = !{!1}
!llvm.module.flags = !{!90, !91}

!1 = distinct !DICompileUnit(language: DW_LANG_C99, file: !2, producer: "btc skeleton test", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug, globals: !3)
!2 = !DIFile(filename: "sample_prog.bt", directory: "/")
!3 = !{!10, !20, !40, !50, !60}
!4 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
!5 = !DIBasicType(name: "unsigned long long", size: 64, encoding: DW_ATE_unsigned)
!6 = !DIBasicType(name: "char", size: 8, encoding: DW_ATE_signed_char)

; events: BPF_MAP_TYPE_RINGBUF (27), max_entries 4096
!10 = !DIGlobalVariableExpression(var: !11, expr: !DIExpression())
!11 = distinct !DIGlobalVariable(name: "events", scope: !1, file: !2, line: 1, type: !12, isLocal: false, isDefinition: true)
!12 = distinct !DICompositeType(tag: DW_TAG_structure_type, file: !2, line: 1, size: 128, elements: !13)
!13 = !{!14, !15}
!14 = !DIDerivedType(tag: DW_TAG_member, name: "type", scope: !12, file: !2, line: 1, baseType: !16, size: 64)
!15 = !DIDerivedType(tag: DW_TAG_member, name: "max_entries", scope: !12, file: !2, line: 1, baseType: !17, size: 64, offset: 64)
!16 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !18, size: 64)
!17 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !19, size: 64)
!18 = !DICompositeType(tag: DW_TAG_array_type, baseType: !4, size: 864, elements: !{!DISubrange(count: 27)})
!19 = !DICompositeType(tag: DW_TAG_array_type, baseType: !4, size: 131072, elements: !{!DISubrange(count: 4096)})

; counts: BPF_MAP_TYPE_PERCPU_HASH (5), key 8 bytes, value 8 bytes, max_entries 128
!20 = !DIGlobalVariableExpression(var: !21, expr: !DIExpression())
!21 = distinct !DIGlobalVariable(name: "counts", scope: !1, file: !2, line: 2, type: !22, isLocal: false, isDefinition: true)
!22 = distinct !DICompositeType(tag: DW_TAG_structure_type, file: !2, line: 2, size: 256, elements: !23)
!23 = !{!24, !25, !26, !27}
!24 = !DIDerivedType(tag: DW_TAG_member, name: "type", scope: !22, file: !2, line: 2, baseType: !28, size: 64)
!25 = !DIDerivedType(tag: DW_TAG_member, name: "key_size", scope: !22, file: !2, line: 2, baseType: !29, size: 64, offset: 64)
!26 = !DIDerivedType(tag: DW_TAG_member, name: "value_size", scope: !22, file: !2, line: 2, baseType: !29, size: 64, offset: 128)
!27 = !DIDerivedType(tag: DW_TAG_member, name: "max_entries", scope: !22, file: !2, line: 2, baseType: !30, size: 64, offset: 192)
!28 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !31, size: 64)
!29 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !32, size: 64)
!30 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: !33, size: 64)
!31 = !DICompositeType(tag: DW_TAG_array_type, baseType: !4, size: 160, elements: !{!DISubrange(count: 5)})
!32 = !DICompositeType(tag: DW_TAG_array_type, baseType: !4, size: 256, elements: !{!DISubrange(count: 8)})
!33 = !DICompositeType(tag: DW_TAG_array_type, baseType: !4, size: 4096, elements: !{!DISubrange(count: 128)})

; btc_config: const volatile struct btc_config in .rodata
!40 = !DIGlobalVariableExpression(var: !41, expr: !DIExpression())
!41 = distinct !DIGlobalVariable(name: "btc_config", scope: !1, file: !2, line: 3, type: !42, isLocal: false, isDefinition: true)
!42 = !DIDerivedType(tag: DW_TAG_const_type, baseType: !43)
!43 = !DIDerivedType(tag: DW_TAG_volatile_type, baseType: !44)
!44 = distinct !DICompositeType(tag: DW_TAG_structure_type, name: "btc_config", file: !2, line: 3, size: 128, elements: !45)
!45 = !{!46, !47}
!46 = !DIDerivedType(tag: DW_TAG_member, name: "start_ns", scope: !44, file: !2, line: 3, baseType: !5, size: 64)
!47 = !DIDerivedType(tag: DW_TAG_member, name: "target_pid", scope: !44, file: !2, line: 3, baseType: !5, size: 64, offset: 64)

; nr_events: u64 in .bss
!50 = !DIGlobalVariableExpression(var: !51, expr: !DIExpression())
!51 = distinct !DIGlobalVariable(name: "nr_events", scope: !1, file: !2, line: 4, type: !5, isLocal: false, isDefinition: true)

; LICENSE
!60 = !DIGlobalVariableExpression(var: !61, expr: !DIExpression())
!61 = distinct !DIGlobalVariable(name: "LICENSE", scope: !1, file: !2, line: 5, type: !62, isLocal: false, isDefinition: true)
!62 = !DICompositeType(tag: DW_TAG_array_type, baseType: !6, size: 32, elements: !{!DISubrange(count: 4)})

; programs: int prog(void *ctx)
!70 = distinct !DISubprogram(name: "tp_openat", scope: !2, file: !2, line: 6, type: !71, scopeLine: 6, flags: DIFlagPrototyped, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !1)
!71 = !DISubroutineType(types: !72)
!72 = !{!4, !73}
!73 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: null, size: 64)
!74 = !DILocation(line: 6, column: 1, scope: !70)
!75 = distinct !DISubprogram(name: "BEGIN_1", scope: !2, file: !2, line: 7, type: !71, scopeLine: 7, flags: DIFlagPrototyped, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !1)
!76 = !DILocation(line: 7, column: 1, scope: !75)
!77 = distinct !DISubprogram(name: "profile_hz_99", scope: !2, file: !2, line: 8, type: !71, scopeLine: 8, flags: DIFlagPrototyped, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !1)
!78 = !DILocation(line: 8, column: 1, scope: !77)

!90 = !{i32 7, !"Dwarf Version", i32 5}
!91 = !{i32 2, !"Debug Info Version", i32 3}
