// WritePortFile: how a server started by a test (or a supervisor) tells its
// starter which port the kernel picked. The file holds the decimal port and a
// newline and appears atomically (written to a temporary name, then
// renamed), so a reader never sees half of it. Write it only once the server
// accepts connections: its existence means "ready".
#pragma once

#include <cstdint>
#include <filesystem>

namespace drdaplex::net {

// Throws std::runtime_error (or std::filesystem::filesystem_error) on I/O errors.
void WritePortFile(const std::filesystem::path& path, uint16_t port);

}  // namespace drdaplex::net
