// tracepoint_types.cpp: see tracepoint_types.h.
#include "btf/tracepoint_types.h"

#include <memory>

namespace btc::btf {

ast::Type tracepoint_field_type(const btf::TracepointField& f, const std::string& tracepoint,
                                const btf::KernelBtf* btf) {
  using ast::Type;
  // 0.17: the fields of syscall tracepoints point into the calling process.
  ast::AddrSpace as = tracepoint.rfind("syscalls:", 0) == 0 ? ast::AddrSpace::User
                                                             : ast::AddrSpace::Kernel;
  if (f.data_loc || f.rel_loc) {
    Type p;
    p.kind = ast::TypeKind::Pointer;
    p.size = 8;
    p.pointee = std::make_shared<Type>(Type::integer(1, true));
    p.name = "__data_loc";
    return p;
  }
  bool is_char = f.c_type.find("char") != std::string::npos;
  if (f.is_array) {
    if (is_char) return Type::string(f.array_len ? f.array_len : f.size);
    Type a;
    a.kind = ast::TypeKind::Array;
    a.count = f.array_len;
    a.size = f.size;
    uint32_t elem = f.array_len ? f.size / f.array_len : 1;
    a.pointee = std::make_shared<Type>(Type::integer(elem, f.is_signed));
    return a;
  }
  if (f.c_type.find('*') != std::string::npos) {
    // `struct __kernel_timespec *rqtp`: a pointer to the kernel record, so args->rqtp->tv_sec
    // works (through CO-RE like every kernel type).
    auto st = f.c_type.find("struct ");
    if (btf && st != std::string::npos) {
      std::string name = f.c_type.substr(st + 7);
      name = name.substr(0, name.find_first_of(" *"));
      if (auto id = btf->find_record(name)) {
        Type p;
        p.kind = ast::TypeKind::Pointer;
        p.size = 8;
        p.as = as;
        p.btf_id = *id;
        p.pointee = std::make_shared<Type>(btf->to_ast_type(*id));
        return p;
      }
    }
    Type p;
    p.kind = ast::TypeKind::Pointer;
    p.size = 8;
    p.as = as;
    p.pointee = std::make_shared<Type>(is_char ? Type::integer(1, true) : Type::integer(8, false));
    return p;
  }
  uint32_t size = f.size == 1 || f.size == 2 || f.size == 4 || f.size == 8 ? f.size : 8;
  return Type::integer(size, f.is_signed).in(as);
}

} // namespace btc::btf
