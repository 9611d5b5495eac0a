#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# boot.sh ARCH [debug|16k|64k] [vtd]: boot the built kernel under QEMU (TCG)
# with the architecture's emulated IOMMU and a virtio-blk disk behind it, run
# the guest tests, and leave the console, the KTAP output and the host checks
# in build/runs/ARCH[-VARIANT][-vtd]/.
#
# MACHINE vtd (x86_64): the QEMU of scripts/qemu.sh, whose VT-d translates
# with first-stage page tables only and takes page requests (svm), with two
# SVA test devices (PASID, ATS, PRI) and the disk behind PCIe root ports:
# the SVA selftests then run on the real VT-d driver too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: boot.sh ARCH [debug|16k|64k] [vtd]}
variant=${2:-}
machine=${3:-}
check_arch "$arch"
case "$arch:$machine" in
*: | x86_64:vtd) ;;
*) die "unknown machine '$machine' for $arch (x86_64 has vtd)" ;;
esac
run=$BUILD/runs/$arch${variant:+-$variant}${machine:+-$machine}
kernel=$(kernel_image "$arch" "$variant")
initrd=$BUILD/guest-$arch/initramfs.cpio
timeout=${BOOT_TIMEOUT:-900}
[ -f "$kernel" ] || die "no kernel at $kernel: make build ARCH=$arch"
[ -f "$initrd" ] || die "no guest at $initrd: scripts/guest.sh $arch"

rm -rf "$run"
mkdir -p "$run"
"$BUILD/dmadisk" create "$run/disk.img"

common=(-nodefaults -display none -no-reboot -smp 2 -m 2G
	-kernel "$kernel" -initrd "$initrd"
	-serial "file:$run/console.log"
	-device virtio-serial-pci
	-chardev "file,id=ktap,path=$run/ktap.txt" -device virtconsole,chardev=ktap
	-drive "file=$run/disk.img,if=none,id=d0,format=raw")
disk=virtio-blk-pci,drive=d0,serial=iommu-dmatest,iommu_platform=on,disable-legacy=on,ats=on
# A hung task (30 s), a soft lockup (20 s) or an RCU stall (21 s) panics,
# and panic=-1 with -no-reboot ends the run there.
append="panic=-1 oops=panic hung_task_panic=1 softlockup_panic=1"
append="$append sysctl.kernel.panic_on_rcu_stall=1 rdinit=/init iommu.strict=1 ${APPEND:-}"

case "$arch:$machine" in
x86_64:)
	qemu=(qemu-system-x86_64 -accel tcg -machine q35 -cpu max
		-device intel-iommu,intremap=on,x-scalable-mode=on,device-iotlb=on,aw-bits=48)
	devs=(-device "$disk")
	append="console=ttyS0 intel_iommu=on,sm_on $append"
	;;
x86_64:vtd)
	# First-stage translation only (x-flts), PASIDs, device TLBs and
	# page requests (svm, qemu/patches). QEMU's VT-d has no 5-level
	# first stage and 6.1 refuses SVM under LA57. Endpoints on the root
	# bus would be conventional PCI, without the extended capabilities.
	q=$("$TOP/scripts/qemu.sh") || die "no QEMU for the vtd machine"
	qemu=("$q" -L /usr/share/qemu -L /usr/share/seabios
		-accel tcg -machine q35 -cpu max,la57=off
		-device intel-iommu,intremap=on,x-scalable-mode=on,x-flts=on,x-pasid-mode=on,svm=on,device-iotlb=on,aw-bits=48)
	devs=(-device pcie-root-port,id=rp0,chassis=1
		-device pcie-root-port,id=rp1,chassis=2
		-device pcie-root-port,id=rp2,chassis=3
		-device "$disk,bus=rp0"
		-device sva-test,bus=rp1 -device sva-test,bus=rp2)
	cp "$(dirname "$q")/version" "$run/qemu.version"
	append="console=ttyS0 intel_iommu=on,sm_on $append"
	;;
arm64:)
	qemu=(qemu-system-aarch64 -accel tcg -machine virt,iommu=smmuv3,gic-version=3
		-cpu max,pauth-impdef=on)
	devs=(-device "$disk")
	append="console=ttyAMA0 $append"
	;;
esac

log "boot $arch${variant:+ $variant}${machine:+ $machine}: ${qemu[0]} (timeout ${timeout}s)"
echo "${qemu[*]} ${common[*]} ${devs[*]} -append \"$append\"" >"$run/qemu.cmd"
start=$(date +%s)
rc=0
timeout --foreground -k 10 "$timeout" "${qemu[@]}" "${common[@]}" "${devs[@]}" -append "$append" \
	</dev/null >"$run/qemu.out" 2>&1 || rc=$?
secs=$(($(date +%s) - start))
echo "$secs" >"$run/seconds"
echo "$rc" >"$run/qemu.rc"

# Host-side results, one KTAP-style line each.
{
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "not ok qemu_exits # timed out after ${timeout}s"
	elif [ "$rc" != 0 ]; then
		echo "not ok qemu_exits # exit status $rc: $(head -c 300 "$run/qemu.out")"
	else
		echo "ok qemu_exits # ${secs}s"
	fi
	if "$BUILD/dmadisk" verify "$run/disk.img" 2>"$run/dmadisk.err"; then
		echo "ok disk_holds_guest_writes"
	else
		echo "not ok disk_holds_guest_writes # $(cat "$run/dmadisk.err")"
	fi
} >"$run/host.txt"
log "boot $arch${variant:+ $variant}${machine:+ $machine}: qemu exit $rc after ${secs}s; console in $run/console.log"
