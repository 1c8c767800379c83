// driver/link.cpp: the static link of the tool runtime, with lld called in-process, and the
// tools written from it (the runtime executable + a .btc_payload section).
//
// Input: object paths + output path. Output: the executable, renamed into place atomically.
// The command line is what `g++ -static` passes to the linker, plus size options, e.g.
//   ld.lld -static --gc-sections --strip-debug -o ./.btc-runtime.btc-link-a1b2c3
//     crt1.o crti.o crtbeginT.o
//     --start-group libbtc_runtime.a libbpf.a libelf.a libz.a libstdc++.a libm.a libc.a
//     libgcc.a libgcc_eh.a --end-group crtend.o crtn.o
// with every path taken from link_config.h. One group holds all archives so their order
// does not matter (the runtime calls libbpf, libbpf calls libelf and libc, ...).
#include "link.h"

#include <cstdlib>

#include <lld/Common/Driver.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include "btc/check.h"
#include "btc/payload.h"
#include "link_config.h"

LLD_HAS_DRIVER(elf)

namespace btc::driver {
namespace {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

// Set when lld reported that its global state may be corrupt (Result::canRunAgain == false).
bool lld_unusable = false;

std::string join_args(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) {
    if (!out.empty())
      out += ' ';
    out += a;
  }
  return out;
}

// Removes the temporary output unless released (after the rename onto the real output).
class TempFile {
public:
  explicit TempFile(std::string p) : path_(std::move(p)) {}
  ~TempFile() {
    if (!path_.empty())
      fs::remove(path_);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }

private:
  std::string path_;
};

// Creates an empty, uniquely named file next to `output` (same filesystem, so the final
// rename is atomic).
llvm::Expected<std::string> make_temp_output(const std::string& output) {
  llvm::SmallString<256> dir(output);
  path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  llvm::SmallString<256> model(dir);
  path::append(model, "." + path::filename(output).str() + ".btc-link-%%%%%%");
  int fd = -1;
  llvm::SmallString<256> tmp;
  if (std::error_code ec = fs::createUniqueFile(model, fd, tmp))
    return llvm::createStringError(ec, "cannot create a temporary file in '%s': %s",
                                   dir.c_str(), ec.message().c_str());
  fs::closeFile(fd);
  return std::string(tmp);
}

// Makes the finished temporary executable and renames it onto the output.
llvm::Error finish_output(TempFile& tmp, const std::string& output_path) {
  if (std::error_code ec = fs::setPermissions(tmp.path(), fs::perms::all_read | fs::perms::all_exe |
                                                              fs::perms::owner_write))
    return llvm::createStringError(ec, "cannot make %s executable: %s", tmp.path().c_str(),
                                   ec.message().c_str());
  if (std::error_code ec = fs::rename(tmp.path(), output_path))
    return llvm::createStringError(ec, "cannot rename %s to %s: %s", tmp.path().c_str(),
                                   output_path.c_str(), ec.message().c_str());
  tmp.release();
  return llvm::Error::success();
}

llvm::Expected<std::string> find_runtime_file(const std::string& name,
                                              const std::string& build_path) {
  if (const char* dir = std::getenv("BTC_RUNTIME_DIR"); dir != nullptr && *dir != '\0') {
    llvm::SmallString<256> p(dir);
    path::append(p, name);
    if (fs::exists(p))
      return std::string(p);
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "BTC_RUNTIME_DIR is '%s' but %s does not exist", dir,
                                   p.c_str());
  }
  std::vector<std::string> tried;
  llvm::SmallString<256> exe;
  if (!fs::real_path("/proc/self/exe", exe)) {
    llvm::SmallString<256> p(path::parent_path(exe));
    path::append(p, link_config::kRuntimeInstallRelDir, name);
    path::remove_dots(p, /*remove_dot_dot=*/true);
    if (fs::exists(p))
      return std::string(p);
    tried.push_back(std::string(p));
  }
  if (!build_path.empty()) {
    if (fs::exists(build_path)) return build_path;
    tried.push_back(build_path);
  }
  std::string msg = "cannot find the btc runtime " + name + " (set BTC_RUNTIME_DIR)";
  for (const std::string& t : tried)
    msg += "\n  tried: " + t;
  return llvm::createStringError(std::make_error_code(std::errc::no_such_file_or_directory), msg);
}

// The link configuration of `target`, or an error naming the targets this btc was built for.
llvm::Expected<const link_config::TargetLink*> target_link(const targets::Target& target) {
  std::string built;
  for (const link_config::TargetLink& t : link_config::kTargets) {
    if (t.arch == target.name) return &t;
    built += (built.empty() ? "" : ", ") + std::string(t.arch);
  }
  return llvm::createStringError(
      std::errc::not_supported,
      "this btc was built without the %s runtime (it has: %s); build btc with "
      "-DBTC_TARGETS=\"x86_64;aarch64\" to write %s tools",
      std::string(target.name).c_str(), built.c_str(), std::string(target.name).c_str());
}

} // namespace

llvm::Expected<std::string> find_runtime_library(const targets::Target& target) {
  auto link = target_link(target);
  if (!link) return link.takeError();
  std::string name = link_config::kRuntimeArchiveName;
  if (!target.runtime_suffix.empty()) name = std::string(target.name) + "/" + name;
  return find_runtime_file(name, (*link)->runtime_build_path);
}

llvm::Expected<std::string> find_runtime_base(const targets::Target& target, bool debug) {
  auto link = target_link(target);
  if (!link) return link.takeError();
  std::string name = link_config::kRuntimeBaseName + std::string(target.runtime_suffix);
  std::string build = (*link)->runtime_base_build_path;
  if (!debug) return find_runtime_file(name, build);
  return find_runtime_file(name + kDebugSuffix, build.empty() ? build : build + kDebugSuffix);
}

std::vector<std::string> static_link_args(const targets::Target& target,
                                          const std::vector<std::string>& inputs,
                                          const std::string& runtime_library,
                                          const std::string& output, bool keep_symbols) {
  const link_config::TargetLink* found = nullptr;
  for (const link_config::TargetLink& t : link_config::kTargets)
    if (t.arch == target.name) found = &t;
  BTC_CHECK(found != nullptr, "static_link_args is called for a target btc was built for");
  const link_config::TargetLink& link = *found;
  // --gc-sections drops unused library code (the runtime is built with -ffunction-sections);
  // --strip-all drops the symbol table too (~0.45 MB), --strip-debug only the DWARF.
  std::vector<std::string> args = {
      "ld.lld",     "-static", "--gc-sections", keep_symbols ? "--strip-debug" : "--strip-all",
      "-o",         output,    link.crt1,       link.crti,
      link.crtbegin};
  args.insert(args.end(), inputs.begin(), inputs.end());
  args.push_back("--start-group");
  args.push_back(runtime_library);
  for (const char* archive : link.archives) args.push_back(archive);
  args.push_back("--end-group");
  args.push_back(link.crtend);
  args.push_back(link.crtn);
  return args;
}

llvm::Error link_static_executable(const std::vector<std::string>& input_objects,
                                   const std::string& output_path, const targets::Target& target,
                                   bool verbose, bool keep_symbols) {
  if (lld_unusable)
    return llvm::createStringError(std::errc::operation_not_permitted,
                                   "lld cannot run again in this process after a crash");
  auto runtime = find_runtime_library(target);
  if (!runtime)
    return runtime.takeError();
  auto tmp_path = make_temp_output(output_path);
  if (!tmp_path)
    return tmp_path.takeError();
  TempFile tmp(*tmp_path);

  const std::vector<std::string> args =
      static_link_args(target, input_objects, *runtime, tmp.path(), keep_symbols);
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const std::string& a : args)
    argv.push_back(a.c_str());
  if (verbose)
    llvm::errs() << join_args(args) << "\n";

  std::string out_text, err_text;
  llvm::raw_string_ostream out(out_text), err(err_text);
  lld::Result result = lld::lldMain(argv, out, err, {{lld::Gnu, &lld::elf::link}});
  out.flush();
  err.flush();
  if (!result.canRunAgain)
    lld_unusable = true;
  if (verbose)
    llvm::errs() << out_text << err_text;

  if (result.retCode != 0) {
    while (!err_text.empty() && err_text.back() == '\n')
      err_text.pop_back();
    return llvm::createStringError(std::errc::io_error, "linking %s failed:\n%s",
                                   output_path.c_str(), err_text.c_str());
  }
  return finish_output(tmp, output_path);
}

llvm::Error write_tool(const std::string& base_path, std::span<const uint8_t> payload,
                       const std::string& output_path) {
  auto base = llvm::MemoryBuffer::getFile(base_path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!base)
    return llvm::createStringError(base.getError(), "cannot read the btc runtime %s: %s",
                                   base_path.c_str(), base.getError().message().c_str());
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>((*base)->getBufferStart()),
                                 (*base)->getBufferSize());
  abi::ToolImage image;
  if (std::string why = abi::plan_payload_section(bytes, payload, image); !why.empty())
    return llvm::createStringError(std::errc::invalid_argument, "the btc runtime %s: %s",
                                   base_path.c_str(), why.c_str());
  auto tmp_path = make_temp_output(output_path);
  if (!tmp_path) return tmp_path.takeError();
  TempFile tmp(*tmp_path);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(tmp.path(), ec);
    auto put = [&os](std::span<const uint8_t> part) {
      os.write(reinterpret_cast<const char*>(part.data()), part.size());
    };
    if (!ec) {
      put(image.header);
      put(bytes.subspan(image.header.size(), image.keep - image.header.size()));
      put(image.tail);
      os.close();
      ec = os.error();
    }
    if (ec)
      return llvm::createStringError(ec, "cannot write %s: %s", tmp.path().c_str(),
                                     ec.message().c_str());
  }
  return finish_output(tmp, output_path);
}

} // namespace btc::driver
