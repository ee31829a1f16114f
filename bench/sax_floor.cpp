// The parsing half of the stack's floor for bench/scan.sh: RapidJSON's SAX
// reader parsing the same pages in situ, with the flags the engine uses
// (kParseInsituFlag | kParseValidateEncodingFlag | kParseNumbersAsStringsFlag,
// SSE2), and a handler that does nothing. Nothing the extension does per byte
// can cost less than this; what it does per row comes on top.
//
// Usage: sax_floor RUNS FILE...   prints the median CPU milliseconds of one
// pass over all the files (each page copied into a reused buffer outside the
// timed part, as a receive buffer would hold it).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/reader.h>

namespace {

struct Ignore : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Ignore> {
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return true; }
};

double cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sax_floor RUNS FILE...\n");
    return 2;
  }
  const int runs = std::atoi(argv[1]);
  std::vector<std::string> pages;
  size_t largest = 0;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    pages.push_back(ss.str());
    largest = std::max(largest, pages.back().size());
  }
  std::vector<char> buf(largest + 16);
  constexpr unsigned kFlags =
      rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    double total = 0;
    for (const std::string& p : pages) {
      std::memcpy(buf.data(), p.data(), p.size());
      std::memset(buf.data() + p.size(), 0, 16);
      const double t0 = cpu_ms();
      rapidjson::InsituStringStream s(buf.data());
      rapidjson::Reader reader;
      Ignore handler;
      if (!reader.Parse<kFlags>(s, handler)) {
        std::fprintf(stderr, "sax_floor: parse error %d at %zu\n", int(reader.GetParseErrorCode()), reader.GetErrorOffset());
        return 1;
      }
      total += cpu_ms() - t0;
    }
    times.push_back(total);
  }
  std::sort(times.begin(), times.end());
  std::printf("%.1f\n", times[times.size() / 2]);
  return 0;
}
