#!/usr/bin/env bash
# plex-net.sh: the simulated systems of a plex as Linux network namespaces,
# for people and the plex launcher (the tests make their own, per process,
# with tests/support/sim_systems.h; the topology is the same).
#
#   scripts/plex-net.sh up     [NAME...]   create (default: SYS1 SYS2 SYS3)
#   scripts/plex-net.sh down   [NAME...]   remove those systems; with no NAME,
#                                          every system and the bridge
#   scripts/plex-net.sh status [NAME...]   show what exists
#
# Fixed names and addresses (10.77.0.0/24):
#   bridge    dpxbr0, 10.77.0.1/24 in the host namespace: the plex's host
#             address, where the registry listens so that every system
#             reaches it
#   DVIPA     10.77.0.100/32, also on dpxbr0: a distributor in the host
#             namespace binds it; clients in the host namespace and in every
#             system connect to it
#   system i  (1-based, in the order given; give the same list every time)
#             namespace dpx-NAME, address 10.77.0.(10+i)/24 on its eth0,
#             default route via 10.77.0.1; the host end of its veth pair is
#             dpxh-NAME, on dpxbr0
# Run a program in a system with: ip netns exec dpx-SYS1 <program> ...
#
# Idempotent: "up" creates only what is missing and "down" removes only what
# exists; each prints what it did. Needs root (CAP_NET_ADMIN and the
# /run/netns mounts), and iproute2.
set -euo pipefail

readonly BRIDGE=dpxbr0
readonly PREFIX=10.77.0
readonly HOST_ADDRESS=${PREFIX}.1
readonly DVIPA=${PREFIX}.100
readonly DEFAULT_SYSTEMS=(SYS1 SYS2 SYS3)

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

say() { printf 'plex-net: %s\n' "$*"; }
die() { printf 'plex-net: %s\n' "$*" >&2; exit 1; }

# NAME -> namespace, veth host end (IFNAMSIZ: at most 15 characters).
ns_of() { printf 'dpx-%s' "$1"; }
veth_of() { printf 'dpxh-%s' "$1"; }

check_name() {
  [[ $1 =~ ^[A-Za-z0-9_]{1,10}$ ]] ||
    die "bad system name '$1': 1 to 10 letters, digits or '_'"
}

ns_exists() { [[ -e /run/netns/$1 ]]; }
link_exists() { ip link show dev "$1" >/dev/null 2>&1; }
has_address() { ip -4 -o addr show dev "$1" 2>/dev/null | grep -q " $2/"; }
ns_has_address() { ip -n "$1" -4 -o addr show dev "$2" 2>/dev/null | grep -q " $3/"; }

bridge_up() {
  if ! link_exists "$BRIDGE"; then
    ip link add "$BRIDGE" type bridge
    say "created bridge $BRIDGE"
  fi
  if ! has_address "$BRIDGE" "$HOST_ADDRESS"; then
    ip addr add "$HOST_ADDRESS/24" dev "$BRIDGE"
    say "added $HOST_ADDRESS/24 (host address) to $BRIDGE"
  fi
  if ! has_address "$BRIDGE" "$DVIPA"; then
    ip addr add "$DVIPA/32" dev "$BRIDGE"
    say "added DVIPA $DVIPA/32 to $BRIDGE"
  fi
  ip link set "$BRIDGE" up
}

system_up() {
  local name=$1 index=$2
  local ns veth address
  ns=$(ns_of "$name")
  veth=$(veth_of "$name")
  address=${PREFIX}.$((10 + index))
  if ! ns_exists "$ns"; then
    ip netns add "$ns"
    say "created namespace $ns"
  fi
  if ! link_exists "$veth"; then
    # A half-made system (its eth0 without the host end) is rebuilt.
    ip -n "$ns" link del eth0 >/dev/null 2>&1 || true
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    say "created veth $veth <-> $ns:eth0"
  fi
  ip link set "$veth" master "$BRIDGE" up
  local other
  other=$(ip -n "$ns" -4 -o addr show dev eth0 | awk '{print $4}' | grep -v "^$address/" || true)
  [[ -z $other ]] ||
    say "warning: $ns:eth0 also has $other (systems given in another order before?)"
  if ! ns_has_address "$ns" eth0 "$address"; then
    ip -n "$ns" addr add "$address/24" dev eth0
    say "$name: $address/24 on $ns:eth0"
  fi
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "$HOST_ADDRESS"
}

system_down() {
  local name=$1 ns veth found=0
  ns=$(ns_of "$name")
  veth=$(veth_of "$name")
  if link_exists "$veth"; then
    ip link del "$veth"
    say "deleted veth $veth"
    found=1
  fi
  if ns_exists "$ns"; then
    ip netns del "$ns"
    say "deleted namespace $ns"
    found=1
  fi
  ((found)) || say "$name: nothing to remove"
}

# Systems made by this script: namespaces dpx-NAME, not the tests'
# dpx-<pid>-<n>-NAME.
our_systems() {
  local path name
  for path in /run/netns/dpx-*; do
    [[ -e $path ]] || continue
    name=${path#/run/netns/dpx-}
    [[ $name =~ ^[0-9]+-[0-9]+- || $name =~ ^[0-9]+-probe$ ]] && continue
    printf '%s\n' "$name"
  done
}

status() {
  local names=("$@") name ns rc=0
  if link_exists "$BRIDGE"; then
    say "bridge $BRIDGE: $(ip -4 -o addr show dev "$BRIDGE" | awk '{print $4}' | paste -sd' ')"
    if has_address "$BRIDGE" "$DVIPA"; then
      say "DVIPA $DVIPA: on $BRIDGE"
    else
      say "DVIPA $DVIPA: missing"
      rc=3
    fi
  else
    say "bridge $BRIDGE: missing"
    rc=3
  fi
  if ((${#names[@]} == 0)); then
    mapfile -t names < <(our_systems)
    ((${#names[@]} > 0)) || { say "no systems"; return 3; }
  fi
  for name in "${names[@]}"; do
    ns=$(ns_of "$name")
    if ns_exists "$ns"; then
      say "$name: namespace $ns, eth0 $(ip -n "$ns" -4 -o addr show dev eth0 2>/dev/null |
        awk '{print $4}' | paste -sd' ')"
    else
      say "$name: missing"
      rc=3
    fi
  done
  return "$rc"
}

main() {
  (($# >= 1)) || usage
  local command=$1
  shift
  case $command in
    up | down | status) ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
  if [[ $(id -u) -ne 0 ]]; then
    die "must run as root: network namespaces, bridges and veths need CAP_NET_ADMIN" \
      "(try: sudo $0 $command${*:+ $*})"
  fi
  command -v ip >/dev/null || die "ip (iproute2) not found: apt-get install iproute2"
  local name
  for name in "$@"; do check_name "$name"; done

  case $command in
    up)
      local names=("$@")
      ((${#names[@]} > 0)) || names=("${DEFAULT_SYSTEMS[@]}")
      ((${#names[@]} <= 89)) || die "at most 89 systems"
      bridge_up
      local i=1
      for name in "${names[@]}"; do
        system_up "$name" "$i"
        i=$((i + 1))
      done
      status "${names[@]}"
      ;;
    down)
      if (($# > 0)); then
        for name in "$@"; do system_down "$name"; done
      else
        while read -r name; do system_down "$name"; done < <(our_systems)
        if link_exists "$BRIDGE"; then
          ip link del "$BRIDGE"
          say "deleted bridge $BRIDGE (and the DVIPA $DVIPA)"
        else
          say "bridge $BRIDGE: nothing to remove"
        fi
      fi
      ;;
    status)
      status "$@"
      ;;
  esac
}

main "$@"
