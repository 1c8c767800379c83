// sink.h: where rendered output goes: a FILE* (stdout or the -o file) or a string (tests).
#pragma once

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>

namespace btc::rt {

class Sink {
public:
  virtual ~Sink() = default;
  virtual void write(std::string_view text) = 0;
  virtual void flush() = 0;
};

class FileSink final : public Sink {
public:
  explicit FileSink(FILE* file) : file_(file) {}
  void write(std::string_view text) override {
    if (capture_)
      capture_->append(text);
    else if (error_ == 0 && std::fwrite(text.data(), 1, text.size(), file_) != text.size())
      error_ = errno ? errno : EIO;
  }
  void flush() override {
    if (!capture_ && error_ == 0 && std::fflush(file_) != 0) error_ = errno ? errno : EIO;
  }
  // While set, output goes into `into` instead of the file (a test probe's output).
  void capture(std::string* into) { capture_ = into; }
  // The errno of the first failed write (ENOSPC: a full disk, EPIPE: the reader went away),
  // 0 while every write went through. Later writes are dropped.
  int error() const { return error_; }

private:
  FILE* file_;
  std::string* capture_ = nullptr;
  int error_ = 0;
};

class StringSink final : public Sink {
public:
  void write(std::string_view text) override { text_.append(text); }
  void flush() override {}
  const std::string& text() const { return text_; }

private:
  std::string text_;
};

} // namespace btc::rt
