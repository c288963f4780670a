// Tag extraction: `<` word-chars `:` anything-but-'>' `>`, leftmost first, like re.sub.
#include "text/extra_networks.h"

#include "text/utf8.h"

namespace easel::text {

ExtractedPrompt extract_extra_networks(const std::string& prompt) {
  U32String s = utf8_decode(prompt);
  ExtractedPrompt out;
  U32String text;
  size_t i = 0, n = s.size();
  while (i < n) {
    if (s[i] == '<') {
      size_t j = i + 1;
      while (j < n && py_is_word(s[j])) ++j;
      if (j > i + 1 && j < n && s[j] == ':') {
        size_t k = j + 1;
        while (k < n && s[k] != '>') ++k;
        if (k < n && k > j + 1) {
          ExtraNetworkTag tag;
          tag.kind = utf8_encode(std::u32string_view(s).substr(i + 1, j - i - 1));
          std::string args = utf8_encode(std::u32string_view(s).substr(j + 1, k - j - 1));
          size_t p = 0;
          for (;;) {
            size_t q = args.find(':', p);
            tag.items.push_back(args.substr(p, q == std::string::npos ? std::string::npos : q - p));
            if (q == std::string::npos) break;
            p = q + 1;
          }
          out.tags.push_back(std::move(tag));
          i = k + 1;
          continue;
        }
      }
    }
    text.push_back(s[i++]);
  }
  out.text = utf8_encode(text);
  return out;
}

}  // namespace easel::text
