// compile.cpp: the btc pipeline, top to bottom:
//   source -> parse -> sema -> codegen (LLVM IR) -> BPF object -> manifest -> skeleton model
//   -> tool = the runtime executable (btc-runtime) + a .btc_payload section.
// Each step's output can be written with --emit; a failed step stops the pipeline with a
// diagnostic and leaves no output file behind.
#include "driver/compile.h"

#include <chrono>
#include <cstdio>

#include "ast/printer.h"
#include "btc/payload.h"
#include "btf/kernel_btf.h"
#include "codegen/codegen.h"
#include "diag/diag.h"
#include "driver/link.h"
#include "emit_header.h"
#include "expand/expand.h"
#include "manifest/man_page.h"
#include "manifest/manifest.h"
#include "model.h"
#include "parse/parser.h"
#include "probes/probes.h"
#include "sema/config_block.h"
#include "sema/sema.h"

#include <algorithm>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace btc::driver {
namespace {

namespace fs = std::filesystem;

bool wants(const CompileOptions& o, Emit e) {
  for (auto x : o.emits)
    if (x == e) return true;
  return false;
}

int fail(const std::string& msg) {
  std::cerr << "btc: error: " << msg << "\n";
  return 1;
}

std::optional<source::SourceFile> load_source(const CompileOptions& o) {
  if (o.input_path.empty()) return source::SourceFile("stdin", o.program_text);
  std::stringstream ss;
  if (o.input_path == "-") {
    ss << std::cin.rdbuf();
    return source::SourceFile("stdin", ss.str());
  }
  std::ifstream in(o.input_path, std::ios::binary);
  if (!in) return std::nullopt;
  ss << in.rdbuf();
  return source::SourceFile(o.input_path, ss.str());
}

// Writes `data` to `path` atomically (temp file + rename); "-" writes to stdout.
bool write_artifact(const std::string& path, std::string_view data) {
  if (path == "-") {
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    return true;
  }
  std::string tmp = path + ".btc-tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) {
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

std::string artifact_path(const CompileOptions& o, const char* ext) {
  return o.output.empty() ? std::string("-") : o.output + ext;
}

std::string tool_name(const CompileOptions& o) {
  if (!o.output.empty()) return fs::path(o.output).filename().string();
  if (!o.input_path.empty() && o.input_path != "-") return fs::path(o.input_path).stem().string();
  return "btc-tool";
}

// Collects errors LLVM reports through the context (e.g. BPF backend limits) instead of
// letting it print and exit.
struct LlvmDiagnostics {
  std::vector<std::string> errors;
  static void handler(const llvm::DiagnosticInfo* di, void* ctx) {
    if (di->getSeverity() != llvm::DS_Error) return;
    std::string s;
    llvm::raw_string_ostream os(s);
    llvm::DiagnosticPrinterRawOStream dp(os);
    di->print(dp);
    std::string msg = os.str();
    if (msg.find("BPF stack limit is exceeded") != std::string::npos) {
      // Name the probe instead of LLVM's advice about its own flags.
      auto in = msg.find("in function ");
      std::string where = msg.substr(0, msg.find(": in function"));
      std::string fn = in == std::string::npos ? "" : msg.substr(in + 12, msg.find(' ', in + 12) - in - 12);
      msg = where + ": ERROR: the program of probe " + fn +
            " needs more than the 512 bytes of BPF stack; use fewer or shorter strings "
            "(--strlen) or tuples in one action";
    }
    auto& errs = static_cast<LlvmDiagnostics*>(ctx)->errors;
    for (const auto& e : errs)
      if (e == msg) return;
    errs.push_back(msg);
  }
};

} // namespace

// The script's config block: what the environment and options did not set already.
// The kernel module whose BTF the script's fentry/fexit/rawtracepoint probes need, and where
// to read it (--module-btf NAME=FILE, else /sys/kernel/btf/NAME if it exists; "" otherwise:
// sema then says which module lacks BTF).
std::pair<std::string, std::string> module_btf(const ast::Program& program,
                                               const CompileOptions& o) {
  for (const auto& probe : program.probes)
    for (const auto& ap : probe.attach_points) {
      std::string err;
      auto spec = probes::parse_attach_point(ap.text, err);
      if (!spec || !probes::describe(spec->kind).rules.module_btf) continue;
      if (spec->target.empty() || spec->target == "vmlinux" || spec->wildcard) continue;
      const std::string& name = spec->target;
      for (const std::string& m : o.module_btfs)
        if (m.rfind(name + "=", 0) == 0) return {name, m.substr(name.size() + 1)};
      std::string sys = "/sys/kernel/btf/" + name;
      if (::access(sys.c_str(), R_OK) == 0) return {name, sys};
      return {name, ""};
    }
  return {"", ""};
}

bool apply_config(const ast::Program& program, const CompileOptions& o, sema::SemaOptions& s,
                  diag::Diagnostics& diags) {
  sema::ConfigBlock c = sema::read_config(program.config, diags);
  if (diags.has_errors()) return false;
  if (c.max_strlen && !o.strlen_given) s.strlen = *c.max_strlen;
  if (c.max_map_keys && !o.map_keys_given) s.map_max_entries = *c.max_map_keys;
  if (c.perf_rb_pages) {
    uint64_t bytes = 4096;
    while (bytes < uint64_t(*c.perf_rb_pages) * 4096 && bytes < (1u << 30)) bytes <<= 1;
    s.ringbuf_bytes = static_cast<uint32_t>(bytes); // a ring buffer is a power of two pages
  }
  if (c.max_bpf_progs) s.max_programs = *c.max_bpf_progs;
  if (c.stack_mode) s.stack_mode = *c.stack_mode;
  if (c.license) s.license = *c.license;
  s.settings = std::move(c.settings);
  s.unstable = std::move(c.unstable);
  return true;
}

// -v: how long each step took, printed when compile() returns.
class StepTimes {
public:
  explicit StepTimes(bool on) : on_(on), last_(std::chrono::steady_clock::now()) {}
  ~StepTimes() {
    if (on_ && !text_.empty()) std::cerr << "btc: time:" << text_ << "\n";
  }
  void done(const char* step) {
    auto now = std::chrono::steady_clock::now();
    auto ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    char buf[64];
    std::snprintf(buf, sizeof buf, " %s %.1f ms", step, ms);
    text_ += buf;
  }

private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
  std::string text_;
};

int compile(const CompileOptions& o) {
  StepTimes times(o.verbose);
  // 1. Source.
  auto source = load_source(o);
  if (!source) {
    // bpftrace 0.17's words, which scripts and wrappers match on.
    std::cerr << "ERROR: failed to open file '" << o.input_path << "': " << std::strerror(errno)
              << "\n";
    return 1;
  }

  // 2. Parse.
  diag::Diagnostics diags;
  parse::ParseOptions parse_options;
  parse_options.include_dirs = o.include_dirs;
  parse_options.include_files = o.include_files;
  if (size_t slash = o.input_path.rfind('/'); slash != std::string::npos && o.input_path != "-")
    parse_options.script_dir = o.input_path.substr(0, slash);
  ast::Program program = parse::parse(*source, diags, parse_options);
  if (diags.has_errors()) {
    std::cerr << diag::render_all(diags, *source);
    return 1;
  }
  times.done("parse");
  // 3. Expand: macros, block-scoped `let`, range loops (bpftrace 0.2x).
  if (!expand::expand(program, diags).ok) {
    std::cerr << diag::render_all(diags, *source);
    return 1;
  }
  if (wants(o, Emit::Ast) && !write_artifact(artifact_path(o, ".ast"), ast::print(program)))
    return fail("cannot write the AST");

  times.done("expand");
  // 4. Kernel types (BTF of the running kernel or --btf), with a module's when a probe names
  //    one (fentry:MODULE:FN).
  std::optional<btf::KernelBtf> kbtf;
  auto [module, module_path] = module_btf(program, o);
  auto b = module_path.empty() ? btf::KernelBtf::load(o.btf_path)
                               : btf::KernelBtf::load_with_module(o.btf_path, module, module_path);
  if (b)
    kbtf.emplace(std::move(*b));
  else if (o.btf_path != btf::KernelBtf::kVmlinuxPath || !module_path.empty())
    return fail(llvm::toString(b.takeError()));
  else llvm::consumeError(b.takeError());

  times.done("btf");
  // 5. Semantic analysis.
  sema::SemaOptions sopts;
  sopts.unsafe = o.unsafe;
  sopts.strlen = o.strlen;
  sopts.btf = kbtf ? &*kbtf : nullptr;
  sopts.source = &*source;
  sopts.map_max_entries = o.map_keys_max;
  sopts.tool_name = tool_name(o);
  sopts.target = o.target;
  sopts.default_helper_errors = o.helper_errors;
  if (!apply_config(program, o, sopts, diags)) {
    std::cerr << diag::render_all(diags, *source);
    return 1;
  }
  auto info = sema::analyse(program, sopts, diags);
  std::cerr << diag::render_all(diags, *source); // warnings, or errors
  if (!info) return 1;

  times.done("sema");
  // 6. Codegen to LLVM IR.
  llvm::LLVMContext context;
  LlvmDiagnostics llvm_diags;
  context.setDiagnosticHandlerCallBack(LlvmDiagnostics::handler, &llvm_diags);
  codegen::CodegenOptions copts;
  copts.module_name = tool_name(o);
  copts.source_file = source->name();
  copts.source = &*source;
  auto lowered = codegen::lower(program, *info, sopts.btf, copts, context);
  if (!lowered) return fail(llvm::toString(lowered.takeError()));
  if (wants(o, Emit::Ir) &&
      !write_artifact(artifact_path(o, ".ll"), codegen::print_ir(*lowered->module)))
    return fail("cannot write the IR");

  times.done("codegen");
  // 7. BPF object (in memory).
  auto obj = codegen::emit_bpf(*lowered->module);
  times.done("bpf-object");
  if (!obj) return fail(llvm::toString(obj.takeError()));
  if (!llvm_diags.errors.empty()) {
    for (const auto& e : llvm_diags.errors) std::cerr << e << "\n";
    return 1;
  }
  std::string_view obj_bytes(reinterpret_cast<const char*>(obj->data()), obj->size());
  if (wants(o, Emit::BpfObj) && !write_artifact(artifact_path(o, ".bpf.o"), obj_bytes))
    return fail("cannot write the BPF object");

  // 8. Runtime manifest.
  abi::Manifest manifest = manifest::build_manifest(*info, *source);
  auto manifest_bytes = abi::encode(manifest);
  if (wants(o, Emit::Manifest) &&
      !write_artifact(artifact_path(o, ".manifest"), abi::dump(manifest)))
    return fail("cannot write the manifest");
  if (wants(o, Emit::Man) &&
      !write_artifact(artifact_path(o, ".8"),
                      manifest::man_page(manifest, tool_name(o), manifest::man_page_date())))
    return fail("cannot write the man page");

  // 9. Skeleton model: libbpf must be able to open what we produced.
  auto model = skel::build_model(*obj, tool_name(o));
  if (!model) return fail("the BPF object does not open: " + llvm::toString(model.takeError()));
  if (wants(o, Emit::Skel) &&
      !write_artifact(artifact_path(o, ".skel.h"), skel::emit_header(*model, *obj)))
    return fail("cannot write the skeleton header");

  times.done("manifest+skeleton");
  // 10. The tool: the runtime executable (btc-runtime) + a .btc_payload section. No link.
  bool build_tool = !o.output.empty() || o.emits.empty();
  if (!build_tool) return 0;
  std::string out = o.output;
  if (out.empty()) {
    if (o.input_path.empty() || o.input_path == "-")
      return fail("-o OUT is required when the program comes from -e or stdin");
    out = fs::path(o.input_path).stem().string();
  }
  auto base = find_runtime_base(*o.target, o.debug);
  if (!base) return fail(llvm::toString(base.takeError()));
  if (o.verbose) std::cerr << "btc: tool = " << *base << " + .btc_payload\n";
  auto err = write_tool(*base, abi::encode_payload(*obj, manifest_bytes), out);
  times.done("write");
  if (err) return fail(llvm::toString(std::move(err)));
  return 0;
}

int link_runtime(const std::string& output, const targets::Target& target, bool verbose,
                 bool debug) {
  if (auto err = link_static_executable({}, output, target, verbose, debug)) {
    std::cerr << "btc: error: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  return 0;
}

} // namespace btc::driver
