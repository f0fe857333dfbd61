// The code path drda_request_fuzz drives, kept out of the fuzzer's entry
// point so that tests/drda can replay the fuzz corpus through exactly the
// same code with g++ and without libFuzzer: a crash the fuzzer once found
// stays fixed in every build.
//
// Besides "no crash, no huge allocation", it checks invariants that hold for
// any input: both framings of the stream agree (under the real limits and
// under tiny ones that fuzz-sized inputs can exceed), every DSS survives being
// written again by DssWriter, and every typed view that accepts some bytes
// accepts (and reproduces) what its writer makes of the decoded value.
#pragma once

#include <string>
#include <vector>

#include "drda/bytes.h"

namespace drdaplex::drda::fuzz {

// Treats `stream` as bytes a client sent, arriving in two reads cut at
// `split` (clamped to the stream), and runs every server-side view over every
// DSS. Returns one line per broken invariant; empty when all hold.
std::vector<std::string> ExerciseRequestStream(ByteSpan stream, size_t split);

// The fuzzer's input layout: the first byte picks the split point
// (proportionally), the rest is the stream.
std::vector<std::string> ExerciseFuzzInput(ByteSpan data);

}  // namespace drdaplex::drda::fuzz
