#!/usr/bin/env python3
"""btf_ext_relocs.py: lists a BPF object's program sections and CO-RE relocations.

Input: a BPF ELF object (btc --emit=bpf-obj). Output: `section NAME` per executable section,
then `core SECTION insn=N kind=K type=TYPE access=A.B.C fields=f1.f2` per .BTF.ext CO-RE
record (fields: the member names the access string walks, from the object's own .BTF), so
e2e cases can check that `args->file->f_path` is a relocated access. Exit status 1 on errors.
"""
import struct
import sys

KINDS = {0: "byte_off", 1: "byte_sz", 2: "field_exists", 3: "signed", 4: "lshift_u64",
         5: "rshift_u64", 6: "local_type_id", 7: "target_type_id", 8: "type_exists",
         9: "type_size", 10: "enumval_exists", 11: "enumval_value", 12: "type_matches"}


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = hdrs[shstrndx]
    def name(off):
        start = strtab[4] + off
        return data[start:data.index(b"\0", start)].decode()
    return [(name(h[0]), h) for h in hdrs]


def parse_btf(blob):
    magic, ver, flags, hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from(
        "<HBBIIIII", blob, 0)
    strs = blob[hdr_len + str_off:hdr_len + str_off + str_len]
    def s(off):
        return strs[off:strs.index(b"\0", off)].decode()
    types = [None]
    pos = hdr_len + type_off
    end = pos + type_len
    while pos < end:
        name_off, info, size_or_type = struct.unpack_from("<III", blob, pos)
        kind = (info >> 24) & 0x1f
        vlen = info & 0xffff
        pos += 12
        members = []
        if kind == 1: pos += 4                      # INT
        elif kind == 3: pos += 12                   # ARRAY
        elif kind in (4, 5):                        # STRUCT / UNION
            for _ in range(vlen):
                mn, mt, mo = struct.unpack_from("<III", blob, pos)
                members.append((s(mn), mt))
                pos += 12
        elif kind == 6: pos += 8 * vlen             # ENUM
        elif kind == 13: pos += 8 * vlen            # FUNC_PROTO
        elif kind == 14: pos += 4                   # VAR
        elif kind == 15: pos += 12 * vlen           # DATASEC
        elif kind == 17: pos += 4                   # DECL_TAG
        elif kind == 19: pos += 12 * vlen           # ENUM64
        types.append((kind, s(name_off), size_or_type, members))
    return types, s


def resolve(types, tid):
    while tid and types[tid][0] in (7, 8, 9, 10, 11, 18):  # FWD.. typedef/volatile/const/restrict/tag
        if types[tid][0] == 7:
            break
        tid = types[tid][2]
    return tid


def main():
    data = open(sys.argv[1], "rb").read()
    secs = sections(data)
    for name, h in secs:
        if h[1] == 1 and h[2] & 0x4:  # PROGBITS, SHF_EXECINSTR
            print("section", name)
    blobs = {name: data[h[4]:h[4] + h[5]] for name, h in secs}
    types, s = parse_btf(blobs[".BTF"])
    ext = blobs[".BTF.ext"]
    magic, ver, flags, hdr_len = struct.unpack_from("<HBBI", ext, 0)
    if hdr_len < 32:
        return 0
    core_off, core_len = struct.unpack_from("<II", ext, 24)
    pos = hdr_len + core_off
    end = pos + core_len
    rec_size, = struct.unpack_from("<I", ext, pos)
    pos += 4
    while pos < end:
        sec_off, n = struct.unpack_from("<II", ext, pos)
        pos += 8
        sec = s(sec_off)
        for _ in range(n):
            insn, type_id, access_off, kind = struct.unpack_from("<IIII", ext, pos)
            pos += rec_size
            access = s(access_off)
            fields = []
            tid = resolve(types, type_id)
            for idx in [int(x) for x in access.split(":")[1:]]:
                t = types[tid]
                if t[0] in (4, 5) and idx < len(t[3]):
                    fields.append(t[3][idx][0] or "(anon)")
                    tid = resolve(types, t[3][idx][1])
                else:
                    break
            print(f"core {sec} insn={insn // 8} kind={KINDS.get(kind, kind)} "
                  f"type={types[resolve(types, type_id)][1]} access={access} "
                  f"fields={'.'.join(fields)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
