// commerce_fdw engine: remote text made fit for an error message (remote_text.h).
#include "engine/run/remote_text.h"

#include <algorithm>
#include <cctype>

namespace cfdw {

namespace {

// The length of the valid UTF-8 sequence at s[i] (0: not valid).
size_t utf8_len(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  unsigned lo = 0x80, hi = 0xBF;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;
  else return 0;
  if (i + n > s.size()) return 0;
  const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if (c1 < lo || c1 > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    const unsigned char ck = static_cast<unsigned char>(s[i + k]);
    if (ck < 0x80 || ck > 0xBF) return 0;
  }
  return n;
}

bool starts_with_ci(std::string_view s, size_t i, std::string_view word) {
  if (i + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[i + k])) != word[k]) return false;
  return true;
}

}  // namespace

std::string untrusted_text(std::string_view text, const std::vector<std::string>& secrets, size_t max_chars,
                           bool keep_newlines) {
  constexpr std::string_view kRedacted = "[redacted]";
  // Only the first part can be shown: look no further than needed (with room
  // for a secret that straddles the cut).
  size_t longest = 0;
  for (const std::string& s : secrets) longest = std::max(longest, s.size());
  text = text.substr(0, std::min(text.size(), max_chars * 4 + longest + 64));
  // 1. Redact, on the raw text.
  std::string red;
  red.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool hit = false;
    for (const std::string& s : secrets) {
      if (s.size() >= 4 && text.compare(i, s.size(), s) == 0) {
        red += kRedacted;
        i += s.size();
        hit = true;
        break;
      }
    }
    if (hit) continue;
    for (std::string_view scheme : {std::string_view("bearer "), std::string_view("basic ")}) {
      if ((i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1]))) && starts_with_ci(text, i, scheme)) {
        size_t j = i + scheme.size();
        while (j < text.size() && text[j] == ' ') ++j;
        size_t end = j;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
               text[end] != '\'' && text[end] != ',' && text[end] != ';' && text[end] != ')' && text[end] != ']' &&
               text[end] != '}')
          ++end;
        if (end > j) {
          red.append(text.substr(i, j - i));
          red += kRedacted;
          i = end;
          hit = true;
        }
        break;
      }
    }
    if (hit) continue;
    red += text[i++];
  }
  // 2. Escape control characters and invalid bytes; 3. cut.
  std::string out;
  size_t chars = 0;
  const char* hex = "0123456789ABCDEF";
  for (size_t i = 0; i < red.size();) {
    if (chars >= max_chars) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(red[i]);
    const size_t n = utf8_len(red, i);
    if (c == '\n' && keep_newlines) out += '\n';
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (n == 0 || c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out.append(red, i, n);
      i += n;
      ++chars;
      continue;
    }
    ++i;
    ++chars;
  }
  return out;
}

std::string quote_ident(std::string_view name) {
  bool bare = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
  for (const char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) bare = false;
  if (bare) return std::string(name);
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace cfdw
