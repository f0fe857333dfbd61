// WritePortFile; see port_file.h.
#include "net/port_file.h"

#include <fstream>
#include <stdexcept>

namespace drdaplex::net {

void WritePortFile(const std::filesystem::path& path, uint16_t port) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace drdaplex::net
