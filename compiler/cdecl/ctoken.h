// ctoken.h: tokens of one C definition, with source locations and #define expansion.
//
// Input: a CDefinition's text (comments already blanked by the script lexer, but leftover
// comments are skipped too) and the source it came from. Output: tokens whose ranges point
// into the script source; identifiers naming an object-like #define are replaced by the
// define's tokens (located at the identifier), recursively, never re-expanding a name inside
// its own expansion.
// Example: "char comm[LEN];" with #define LEN 16 -> [char] [comm] [[] [16] []] [;].
#pragma once

#include "ast/ast.h"
#include "diag/diag.h"
#include "source/source.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace btc::cdecl {

enum class TokKind { Ident, Number, Char, String, Punct, End };

struct Token {
  TokKind kind = TokKind::End;
  std::string text;          // identifier, punctuator or literal spelling
  uint64_t value = 0;        // Number / Char
  bool is_unsigned = false;  // Number with a `u` suffix (or too big for int64)
  source::SourceRange range;
};

// Maps offsets of a definition's text to offsets in the script source, mirroring how the
// script lexer built the text (comments dropped or blanked). Falls back to the whole
// definition's range when the text does not line up with the source.
class SourceMap {
public:
  SourceMap(const ast::CDefinition& def, const source::SourceFile& file);
  source::SourceRange range(uint32_t begin, uint32_t end) const;

private:
  std::vector<uint32_t> map_; // text offset -> source offset; empty: no mapping
  source::SourceRange whole_;
};

// Tokenizes `text`; returns false after reporting an error (bad character, floating point
// literal, unterminated literal). The list always ends with an End token.
bool tokenize(std::string_view text, const SourceMap& map, std::vector<Token>& out,
              diag::Diagnostics& diags);

// Replaces identifiers naming one of `defines` (only those starting before `before`) by the
// define's tokens, located at the identifier.
std::vector<Token> expand_defines(const std::vector<Token>& toks,
                                  const std::vector<ast::Define>& defines, uint32_t before);

} // namespace btc::cdecl
