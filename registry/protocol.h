// The registry's wire protocol: JSON objects, one per line (JSON lines over
// TCP, net/json_line_channel.h). The names below are shared by the server,
// RegistryMember and RegistryWatcher so that no string is spelled twice.
//
// Member -> registry (a reply follows unless noted):
//   {"op":"register", <record>}      -> {"op":"registered","ok":true,"heartbeat_ms":N,"timeout_ms":M}
//                                    or {"op":"registered","ok":false,"reason":R,"message":"..."}
//        R: "already-registered" (the name is registered by another connection),
//           "invalid" (a malformed record), "one-registration-per-connection",
//           "registry-full". A second register on the same connection whose
//           record differs only in health is an update.
//        Servers (kind "server", the IWMSRSRG analogue) are unique per
//        (system, triplet): a second registration of a triplet on one
//        system, from another connection or from the same one with more
//        than health changed, is refused with "already-registered" and
//        "code":"0419" (IWMSRSRG RC 4, reason 0419); the same triplet on
//        another system is a registration of its own.
//   {"op":"update","health":80,"status":..,"attributes":..}   (fields optional)
//                                    -> {"op":"updated","ok":true|false[,"reason","message"]}
//   {"op":"heartbeat"}               (no reply; any line counts as a sign of life)
//   {"op":"deregister"}              -> {"op":"deregistered","ok":true|false}
// Watcher -> registry:
//   {"op":"subscribe","kinds":["odbm"]}  (kinds optional: all)
//        -> {"op":"snapshot","members":[<record>...]} then, pushed:
//           {"op":"joined","member":<record>}, {"op":"changed","member":<record>},
//           {"op":"left","kind":K,"name":N,"system":S,
//            "reason":"connection-closed"|"heartbeat-timeout"|"deregistered"}
//   {"op":"query","kinds":[...]}     -> {"op":"result","ok":true,"rows":[<record>...]}
// Anyone -> registry, WLM queries (IWMSRSRS; rows: wlm_weights.h WlmServerRow):
//   {"op":"wlm","list":"weighted"}   -> {"op":"result","ok":true,"list":"weighted",
//                                        "systems":[...],"rows":[eligible servers]}
//   {"op":"wlm","list":"all"}        -> the same with every server, each with
//                                        "eligible" and "reason"
//   The registry is one service that every system reaches (over the bridge
//   between network namespaces), so a registration is in its answers at
//   once; clients must still expect a query made elsewhere to lag a
//   registration (IWMSRSRG propagates asynchronously) and poll.
// Any request the registry cannot take (bad JSON, unknown op, wrong types):
//   {"op":"error","ok":false,"reason":"invalid","message":"..."}
// Records sent out carry "since" (registration time) and "peer" (where the
// registration came from); see record.h for the record itself.
#pragma once

namespace drdaplex::registry::protocol {

inline constexpr char kRegister[] = "register";
inline constexpr char kRegistered[] = "registered";
inline constexpr char kUpdate[] = "update";
inline constexpr char kUpdated[] = "updated";
inline constexpr char kHeartbeat[] = "heartbeat";
inline constexpr char kDeregister[] = "deregister";
inline constexpr char kDeregistered[] = "deregistered";
inline constexpr char kSubscribe[] = "subscribe";
inline constexpr char kSnapshot[] = "snapshot";
inline constexpr char kJoined[] = "joined";
inline constexpr char kChanged[] = "changed";
inline constexpr char kLeft[] = "left";
inline constexpr char kQuery[] = "query";
inline constexpr char kWlm[] = "wlm";
inline constexpr char kWlmWeighted[] = "weighted";
inline constexpr char kWlmAll[] = "all";
inline constexpr char kResult[] = "result";
inline constexpr char kError[] = "error";

// Why a registration or request was refused.
inline constexpr char kAlreadyRegistered[] = "already-registered";
inline constexpr char kInvalid[] = "invalid";
inline constexpr char kOnePerConnection[] = "one-registration-per-connection";
inline constexpr char kRegistryFull[] = "registry-full";
inline constexpr char kNotRegistered[] = "not-registered";
// The "code" of a server's already-registered refusal (IWMSRSRG 0419).
inline constexpr char kServerAlreadyRegisteredCode[] = "0419";

// Why a member left (and kDeregistered, above, when it said goodbye).
inline constexpr char kConnectionClosed[] = "connection-closed";
inline constexpr char kHeartbeatTimeout[] = "heartbeat-timeout";

}  // namespace drdaplex::registry::protocol
