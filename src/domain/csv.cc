#include "domain/csv.h"

#include <algorithm>

namespace ordo {

namespace {

Error malformed(std::int64_t line, std::string message) {
  return invalid("malformed CSV", {{"line " + std::to_string(line), std::move(message)}});
}

}  // namespace

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  const std::size_t size = text_.size();
  auto line_break_at = [&](std::size_t i) {
    return i < size && (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 == size || text_[i + 1] == '\n')));
  };
  while (line_break_at(pos_)) {  // blank lines
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
  }
  pos_ = std::min(pos_, size);
  if (pos_ == size) return false;
  record_line_ = line_;
  record_offset_ = pos_;
  std::size_t n = 0;
  while (true) {
    if (n == fields.size()) fields.emplace_back();
    std::string& f = fields[n++];
    f.clear();
    if (pos_ < size && text_[pos_] == '"') {
      const std::int64_t opened = line_;
      ++pos_;
      while (true) {
        const std::size_t q = text_.find('"', pos_);
        if (q == std::string_view::npos) return malformed(opened, "a quoted field is not closed");
        line_ += std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_), text_.begin() + static_cast<std::ptrdiff_t>(q), '\n');
        f.append(text_.substr(pos_, q - pos_));
        pos_ = q + 1;
        if (pos_ < size && text_[pos_] == '"') {  // "" inside quotes: one quote
          f.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      if (pos_ < size && text_[pos_] != ',' && !line_break_at(pos_))
        return malformed(line_, "text after the closing quote of a field (a quote inside a quoted field is written \"\")");
    } else {
      std::size_t end = text_.find_first_of(",\n", pos_);
      if (end == std::string_view::npos) end = size;
      std::string_view v = text_.substr(pos_, end - pos_);
      if (!v.empty() && v.back() == '\r' && (end == size || text_[end] == '\n')) v.remove_suffix(1);
      f.assign(v);
      pos_ = end;
    }
    if (pos_ >= size) break;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    pos_ += text_[pos_] == '\r' ? 2 : 1;  // the record's line break
    pos_ = std::min(pos_, size);
    ++line_;
    break;
  }
  fields.resize(n);
  return true;
}

}  // namespace ordo
