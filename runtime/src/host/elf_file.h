// elf_file.h: one ELF file opened for libelf: the file descriptor and the Elf* handle that
// reads it, released together (elf_end, then close) when the object goes away.
//
// Input: a path. Output: an Elf* over the file, or why there is none: the open(2) errno, or
// that libelf does not read the bytes as an ELF object (elf() null or elf_kind() not ELF).
// Example: ElfFile f("/bin/true"); if (f.is_elf()) gelf_getehdr(f.elf(), &eh);
#pragma once

#include <string>

struct Elf;

namespace btc::rt {

class ElfFile {
public:
  // Opens `path` read-only and starts libelf on it (ELF_C_READ).
  explicit ElfFile(const std::string& path);
  ~ElfFile();
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  // The file could be opened; else open_errno() says why.
  bool opened() const { return fd_ >= 0; }
  int open_errno() const { return open_errno_; }
  // The libelf handle (null when the file did not open or libelf refused it).
  Elf* elf() const { return elf_; }
  // An ELF object (not an archive, not unknown data).
  bool is_elf() const;

private:
  int fd_ = -1;
  int open_errno_ = 0;
  Elf* elf_ = nullptr;
};

} // namespace btc::rt
