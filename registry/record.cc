// MemberRecord validation and JSON form; see record.h.
#include "registry/record.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "net/endpoint.h"

namespace drdaplex::registry {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Thrown inside this file only and turned into `*error` at the public entry
// points: the checks below read as a list of rules, not of if-return pairs.
struct Invalid : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

constexpr size_t kMaxImsName = 8;
constexpr size_t kMaxGenericName = 64;
constexpr size_t kMaxKind = 16;

bool IsUpperOrNational(char c) { return (c >= 'A' && c <= 'Z') || c == '@' || c == '#' || c == '$'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

std::string UpperCase(std::string text) {
  for (char& c : text) {
    if (IsLower(c)) c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

// IMS names (ODBMs, datastores, aliases, systems): 1-8 of A-Z 0-9 @ # $, not
// starting with a digit, upper-cased as IMS folds them.
std::string ImsName(const std::string& text, std::string_view what) {
  std::string name = UpperCase(text);
  const bool ok = !name.empty() && name.size() <= kMaxImsName && !IsDigit(name[0]) &&
                  std::all_of(name.begin(), name.end(),
                              [](char c) { return IsUpperOrNational(c) || IsDigit(c); });
  if (!ok) {
    throw Invalid(fmt::format(
        "{} '{}' is not an IMS name (1-8 of A-Z 0-9 @ # $, not starting with a digit)", what,
        text));
  }
  return name;
}

std::string GenericName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= kMaxGenericName &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return IsUpperOrNational(c) || IsLower(c) || IsDigit(c) || c == '.' ||
                           c == '_' || c == '-';
                  });
  if (!ok) throw Invalid(fmt::format("name '{}' must be 1-64 of A-Z a-z 0-9 @ # $ . _ -", name));
  return name;
}

void CheckKind(const std::string& kind) {
  const bool ok = !kind.empty() && kind.size() <= kMaxKind && IsLower(kind[0]) &&
                  std::all_of(kind.begin(), kind.end(),
                              [](char c) { return IsLower(c) || IsDigit(c) || c == '-'; });
  if (!ok) throw Invalid(fmt::format("kind '{}' must be 1-16 of a-z 0-9 - (a letter first)", kind));
}

std::string Status(const std::string& text, std::string_view what) {
  const std::string status = text;
  if (status != kStatusActive && status != kStatusInactive) {
    throw Invalid(fmt::format("{} '{}' must be \"active\" or \"inactive\"", what, text));
  }
  return status;
}

template <typename Json>
const Json* Find(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

template <typename Json>
std::string StringField(const Json& object, const char* key, bool required) {
  const Json* value = Find(object, key);
  if (!value) {
    if (required) throw Invalid(fmt::format("missing \"{}\"", key));
    return {};
  }
  if (!value->is_string()) throw Invalid(fmt::format("\"{}\" must be a string", key));
  return value->template get<std::string>();
}

template <typename Json>
int Health(const Json& value) {
  if (!value.is_number_integer()) throw Invalid("\"health\" must be an integer 0..100");
  const auto health = value.template get<int64_t>();
  if (health < 0 || health > 100) {
    throw Invalid(fmt::format("\"health\" {} is outside 0..100", health));
  }
  return static_cast<int>(health);
}

std::string Address(const std::string& text) {
  std::string error;
  const auto endpoint = net::ParseEndpoint(text, &error);
  if (!endpoint) throw Invalid(error);
  if (endpoint->port() == 0) throw Invalid(fmt::format("address '{}' has port 0", text));
  return net::FormatEndpoint(*endpoint);
}

std::vector<DatastoreRecord> Datastores(const ordered_json& attributes) {
  if (!attributes.is_object()) throw Invalid("\"attributes\" must be an object");
  const ordered_json* list = Find(attributes, "datastores");
  if (!list) return {};
  if (!list->is_array()) throw Invalid("\"datastores\" must be an array");
  std::vector<DatastoreRecord> datastores;
  std::set<std::string> names;
  for (const ordered_json& entry : *list) {
    if (!entry.is_object()) throw Invalid("each datastore must be an object");
    DatastoreRecord datastore;
    datastore.name = ImsName(StringField(entry, "name", true), "datastore name");
    if (!names.insert(datastore.name).second) {
      throw Invalid(fmt::format("datastore {} is listed twice", datastore.name));
    }
    const std::string status = StringField(entry, "status", false);
    datastore.status = status.empty() ? kStatusActive : Status(status, "datastore status");
    const ordered_json* aliases = Find(entry, "aliases");
    if (aliases && !aliases->is_array()) throw Invalid("\"aliases\" must be an array");
    std::set<std::string> seen;
    for (const ordered_json& alias : aliases ? *aliases : ordered_json::array()) {
      if (!alias.is_string()) throw Invalid("each alias must be a string");
      std::string name = ImsName(alias.get<std::string>(), "alias");
      if (!seen.insert(name).second) {
        throw Invalid(fmt::format("alias {} is listed twice in datastore {}", name, datastore.name));
      }
      datastore.aliases.push_back(std::move(name));
    }
    datastores.push_back(std::move(datastore));
  }
  return datastores;
}

// One part of a server's triplet: 1..`max` of A-Z 0-9 @ # $ (upper-cased).
std::string TripletPart(const std::string& part, size_t max, std::string_view what,
                        const std::string& triplet) {
  const bool ok = !part.empty() && part.size() <= max &&
                  std::all_of(part.begin(), part.end(),
                              [](char c) { return IsUpperOrNational(c) || IsDigit(c); });
  if (!ok) {
    throw Invalid(fmt::format("{} '{}' in server '{}' must be 1-{} of A-Z 0-9 @ # $", what, part,
                              triplet, max));
  }
  return part;
}

// LOCATION.NETWORK_ID.LUNAME; LOCATION as long as IWMSRSRG's (18).
std::string Triplet(const std::string& text) {
  const std::string name = UpperCase(text);
  const size_t first = name.find('.');
  const size_t second = first == std::string::npos ? first : name.find('.', first + 1);
  if (second == std::string::npos || name.find('.', second + 1) != std::string::npos) {
    throw Invalid(fmt::format("server '{}' must be LOCATION.NETWORK_ID.LUNAME", text));
  }
  return TripletPart(name.substr(0, first), 18, "LOCATION", text) + "." +
         TripletPart(name.substr(first + 1, second - first - 1), 8, "NETWORK_ID", text) + "." +
         TripletPart(name.substr(second + 1), 8, "LUNAME", text);
}

void ShortString(ordered_json& attributes, const char* key, size_t max) {
  const ordered_json* value = Find(attributes, key);
  if (!value) return;
  if (!value->is_string() || value->get<std::string>().size() > max) {
    throw Invalid(fmt::format("\"{}\" must be a string of at most {} characters", key, max));
  }
}

void Count(ordered_json& attributes, const char* key, int64_t min) {
  const ordered_json* value = Find(attributes, key);
  if (!value) return;
  if (!value->is_number_integer() || value->get<int64_t>() < min) {
    throw Invalid(fmt::format("\"{}\" must be an integer >= {}", key, min));
  }
}

void EndpointAttribute(ordered_json& attributes, const char* key) {
  const ordered_json* value = Find(attributes, key);
  if (!value) return;
  if (!value->is_string()) throw Invalid(fmt::format("\"{}\" must be \"HOST:PORT\"", key));
  attributes[key] = Address(value->get<std::string>());
}

// The attributes a WLM server publishes (IWMSRSRG HOST=, USERDATA=, and
// what drdaplex adds); unknown keys pass.
void CheckServerAttributes(ordered_json& attributes) {
  ShortString(attributes, wlm_attr::kHostName, 64);
  ShortString(attributes, wlm_attr::kUserData, 64);
  Count(attributes, wlm_attr::kActive, 0);
  Count(attributes, wlm_attr::kMaxSockets, 1);
  EndpointAttribute(attributes, wlm_attr::kDrda);
  EndpointAttribute(attributes, wlm_attr::kAgent);
  ShortString(attributes, wlm_attr::kHandoff, 107);  // sun_path, less its NUL
}

void CheckSystemAttributes(ordered_json& attributes) {
  const ordered_json* capacity = Find(attributes, wlm_attr::kCapacity);
  if (!capacity) throw Invalid("a system record needs \"capacity\" in its attributes");
  if (!capacity->is_number() || !(capacity->get<double>() >= 0) ||
      !std::isfinite(capacity->get<double>())) {
    throw Invalid("\"capacity\" must be a number >= 0");
  }
  const ordered_json* mode = Find(attributes, wlm_attr::kMode);
  if (!mode) {
    attributes[wlm_attr::kMode] = kModeConfigured;
  } else if (!mode->is_string() ||
             (*mode != kModeConfigured && *mode != kModeMeasured)) {
    throw Invalid("\"mode\" must be \"configured\" or \"measured\"");
  }
}

// Checks every field of `record` and puts it in canonical form.
void Normalise(MemberRecord& record) {
  CheckKind(record.kind);
  const bool odbm = record.kind == kKindOdbm;
  const bool server = record.kind == kKindServer;
  const bool system = record.kind == kKindSystem;
  if (odbm) {
    record.name = ImsName(record.name, "ODBM name");
  } else if (system) {
    record.name = ImsName(record.name, "system name");
  } else if (server) {
    record.name = Triplet(record.name);
  } else {
    record.name = GenericName(record.name);
  }
  record.system = ImsName(record.system.empty() ? kDefaultSystem : record.system, "system");
  if (system && record.system != record.name) {
    // A system record describes the system it names; "LOCAL" is the
    // default of an unset field, not a second name.
    if (record.system != kDefaultSystem) {
      throw Invalid(fmt::format("system record {} must not name another system ({})",
                                record.name, record.system));
    }
    record.system = record.name;
  }
  if (odbm && record.address.empty()) throw Invalid("missing \"address\"");
  if (!record.address.empty()) record.address = Address(record.address);
  if (record.health < 0 || record.health > 100) throw Invalid("\"health\" is outside 0..100");
  record.status = Status(record.status, "status");
  if (!record.attributes.is_object()) throw Invalid("\"attributes\" must be an object");
  if (server) CheckServerAttributes(record.attributes);
  if (system) CheckSystemAttributes(record.attributes);
  if (odbm) {
    // Rewritten from the typed view: upper-cased names, explicit statuses.
    ordered_json canonical = record.attributes;
    canonical["datastores"] = OdbmAttributes(Datastores(record.attributes))["datastores"];
    record.attributes = std::move(canonical);
  }
}

template <typename Fn>
bool Checked(std::string* error, Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const Invalid& e) {
    if (error) *error = e.what();
    return false;
  }
}

}  // namespace

std::optional<MemberRecord> MemberRecordFromJson(const json& object, std::string* error) {
  MemberRecord record;
  const bool ok = Checked(error, [&] {
    if (!object.is_object()) throw Invalid("a member record must be a JSON object");
    const std::string kind = StringField(object, "kind", false);
    if (!kind.empty()) record.kind = kind;
    record.name = StringField(object, "name", true);
    record.system = StringField(object, "system", false);
    record.address = StringField(object, "address", false);
    if (const json* health = Find(object, "health")) record.health = Health(*health);
    const std::string status = StringField(object, "status", false);
    if (!status.empty()) record.status = status;
    if (const json* attributes = Find(object, "attributes")) record.attributes = ordered_json(*attributes);
    record.since = StringField(object, "since", false);
    record.peer = StringField(object, "peer", false);
    Normalise(record);
  });
  if (!ok) return std::nullopt;
  return record;
}

nlohmann::ordered_json MemberRecordToJson(const MemberRecord& record) {
  nlohmann::ordered_json out;
  out["kind"] = record.kind;
  out["name"] = record.name;
  out["system"] = record.system;
  out["address"] = record.address;
  out["status"] = record.status;
  out["health"] = record.health;
  if (!record.since.empty()) out["since"] = record.since;
  if (!record.peer.empty()) out["peer"] = record.peer;
  out["attributes"] = record.attributes;
  return out;
}

bool ApplyMemberUpdate(const json& update, MemberRecord* record, std::string* error) {
  MemberRecord changed = *record;
  bool any = false;
  const bool ok = Checked(error, [&] {
    if (const json* health = Find(update, "health")) {
      changed.health = Health(*health);
      any = true;
    }
    if (Find(update, "status")) {
      changed.status = StringField(update, "status", true);
      any = true;
    }
    if (const json* attributes = Find(update, "attributes")) {
      changed.attributes = ordered_json(*attributes);
      any = true;
    }
    Normalise(changed);
  });
  if (!ok) return false;
  *record = std::move(changed);
  return any;
}

bool DiffersOnlyInHealth(const MemberRecord& a, const MemberRecord& b) {
  return a.kind == b.kind && a.name == b.name && a.system == b.system && a.address == b.address &&
         a.status == b.status && a.attributes == b.attributes;
}

std::string RegistrationScope(const MemberRecord& record) {
  return record.kind == kKindServer ? record.system : std::string();
}

std::vector<DatastoreRecord> OdbmDatastores(const MemberRecord& record) {
  if (record.kind != kKindOdbm) return {};
  std::vector<DatastoreRecord> datastores;
  Checked(nullptr, [&] { datastores = Datastores(record.attributes); });
  return datastores;
}

ordered_json OdbmAttributes(const std::vector<DatastoreRecord>& datastores) {
  ordered_json list = ordered_json::array();
  for (const DatastoreRecord& datastore : datastores) {
    list.push_back({{"name", datastore.name},
                    {"status", datastore.status},
                    {"aliases", datastore.aliases}});
  }
  return {{"datastores", std::move(list)}};
}

std::optional<std::vector<DatastoreRecord>> ParseOdbmAttributes(const ordered_json& attributes,
                                                                std::string* error) {
  std::vector<DatastoreRecord> datastores;
  if (!Checked(error, [&] { datastores = Datastores(attributes); })) return std::nullopt;
  return datastores;
}

}  // namespace drdaplex::registry
