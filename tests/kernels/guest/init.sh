#!/bin/busybox sh
# init.sh: /init of the guest initramfs (busybox sh). Mounts what BPF tools need, runs every
# case under /cases in order (each a run.sh the host wrote, using the functions of
# /lib/runner.sh) and reports on the serial console between @@ markers, then powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
ip link set lo up
echo "@@BOOTED kernel=$(uname -r) online=$(cat /sys/devices/system/cpu/online) possible=$(cat /sys/devices/system/cpu/possible)"
for dir in /cases/*; do
  [ -f "$dir/run.sh" ] || continue
  sh "$dir/run.sh"
done
echo "@@ALLDONE"
poweroff -f
