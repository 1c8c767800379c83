// elf_file.cpp: ElfFile (see elf_file.h).
#include "host/elf_file.h"

#include <fcntl.h>
#include <libelf.h>
#include <unistd.h>

#include <cerrno>

namespace btc::rt {

ElfFile::ElfFile(const std::string& path) {
  elf_version(EV_CURRENT);
  fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    open_errno_ = errno;
    return;
  }
  elf_ = elf_begin(fd_, ELF_C_READ, nullptr);
}

ElfFile::~ElfFile() {
  if (elf_) elf_end(elf_);
  if (fd_ >= 0) close(fd_);
}

bool ElfFile::is_elf() const {
  return elf_ && elf_kind(elf_) == ELF_K_ELF;
}

} // namespace btc::rt
