// bpf_abi.h: numbers the kernel defines that codegen and the probe providers both emit: BPF
// helper ids, BPF map types.
#pragma once

#include <cstdint>

namespace btc::builtins {

// BPF helper ids (include/uapi/linux/bpf.h).
enum class Helper : uint64_t {
  MapLookupElem = 1,
  MapUpdateElem = 2,
  MapDeleteElem = 3,
  GetPrandomU32 = 7,
  GetSmpProcessorId = 8,
  GetCurrentPidTgid = 14,
  GetCurrentUidGid = 15,
  GetCurrentComm = 16,
  GetCurrentTask = 35,
  GetNumaNodeId = 42,
  GetCurrentCgroupId = 80,
  ProbeReadUser = 112,
  ProbeReadKernel = 113,
  ProbeReadUserStr = 114,
  ProbeReadKernelStr = 115,
  ProbeRead = 4,
  ProbeReadStr = 45,
  ProbeWriteUser = 36,
  GetSocketCookie = 46,
  KtimeGetBootNs = 125,
  RingbufReserve = 131,
  RingbufSubmit = 132,
  GetAttachCookie = 174,
  GetStackid = 27,
  GetStack = 67,
  GetFuncIp = 173,
  OverrideReturn = 58,
  SendSignal = 109,
  SendSignalThread = 117,
  TracePrintk = 6,
  SeqPrintf = 126,
  DPath = 147,
  Jiffies64 = 118,
  ForEachMapElem = 164,
  PerCpuPtr = 153,
  ThisCpuPtr = 154,
  MapLookupPercpuElem = 195,
  KtimeGetTaiNs = 208,
  GetCurrentTaskBtf = 158,
  TaskPtRegs = 175,
  FindVma = 180,
  Loop = 181,
};

// BPF map types (enum bpf_map_type).
inline constexpr uint32_t kMapHash = 1, kMapArray = 2, kMapPercpuHash = 5, kMapPercpuArray = 6,
                          kMapStackTrace = 7, kMapLruHash = 9, kMapLruPercpuHash = 10,
                          kMapRingbuf = 27;

} // namespace btc::builtins
