// payload_test.cpp: the .btc_payload section, written into a real executable (a copy of this
// test binary) and read back from the file; the copy still runs, survives `strip`, and bad
// images and payloads are refused with a reason.
#include "btc/payload.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

namespace btc::abi {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

class PayloadFile : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/btc-payload-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  std::string dir_;
};

const std::vector<uint8_t> kBpf = {0x7f, 'E', 'L', 'F', 1, 2, 3, 4, 5};
const std::vector<uint8_t> kManifest = {9, 8, 7};

TEST(Payload, EncodeDecodeRoundTrip) {
  auto p = decode_payload(encode_payload(kBpf, kManifest));
  ASSERT_TRUE(p);
  EXPECT_EQ(std::vector<uint8_t>(p->bpf_object.begin(), p->bpf_object.end()), kBpf);
  EXPECT_EQ(std::vector<uint8_t>(p->manifest.begin(), p->manifest.end()), kManifest);
}

TEST(Payload, DecodeRefusesBadMagicAndSizes) {
  auto bytes = encode_payload(kBpf, kManifest);
  auto bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_FALSE(decode_payload(bad_magic));
  auto truncated = bytes;
  truncated.pop_back();
  EXPECT_FALSE(decode_payload(truncated));
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_payload(longer));
  EXPECT_FALSE(decode_payload({}));
}

TEST(Payload, AddRefusesWhatIsNotA64BitElf) {
  std::vector<uint8_t> text = {'#', '!', '/', 'b', 'i', 'n'};
  EXPECT_NE(add_payload_section(text, kBpf).find("not an ELF"), std::string::npos);
  std::vector<uint8_t> fake(64, 0);
  EXPECT_NE(add_payload_section(fake, kBpf).find("not an ELF"), std::string::npos);
}

TEST_F(PayloadFile, WrittenIntoAnExecutableAndReadBack) {
  auto image = read_file("/proc/self/exe");
  ASSERT_GT(image.size(), 1000u);
  const auto payload = encode_payload(kBpf, kManifest);
  ASSERT_EQ(add_payload_section(image, payload), "");
  const std::string tool = file("tool");
  write_file(tool, image);
  ASSERT_EQ(::chmod(tool.c_str(), 0755), 0);

  std::string error;
  auto p = read_payload(tool.c_str(), error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->bytes, payload);
  EXPECT_EQ(std::vector<uint8_t>(p->manifest.begin(), p->manifest.end()), kManifest);

  // Still an executable that runs.
  EXPECT_EQ(std::system((tool + " --gtest_list_tests > /dev/null").c_str()), 0);
  // A second payload is refused.
  EXPECT_NE(add_payload_section(image, payload).find("already has"), std::string::npos);
}

TEST_F(PayloadFile, SurvivesStrip) {
  if (::access("/usr/bin/strip", X_OK) != 0)
    GTEST_SKIP() << "no /usr/bin/strip (binutils) to check against";
  auto image = read_file("/proc/self/exe");
  ASSERT_EQ(add_payload_section(image, encode_payload(kBpf, kManifest)), "");
  const std::string tool = file("tool");
  write_file(tool, image);
  ASSERT_EQ(std::system(("/usr/bin/strip --strip-all '" + tool + "'").c_str()), 0);
  std::string error;
  auto p = read_payload(tool.c_str(), error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(std::vector<uint8_t>(p->bpf_object.begin(), p->bpf_object.end()), kBpf);
}

TEST_F(PayloadFile, ReadSaysWhyThereIsNoPayload) {
  std::string error;
  EXPECT_FALSE(read_payload(file("missing").c_str(), error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;

  EXPECT_FALSE(read_payload("/proc/self/exe", error));
  EXPECT_NE(error.find("no .btc_payload section"), std::string::npos) << error;

  write_file(file("short"), {0x7f, 'E', 'L', 'F'});
  EXPECT_FALSE(read_payload(file("short").c_str(), error));
  EXPECT_NE(error.find("too short"), std::string::npos) << error;

  // Truncated after the payload was added: the section table is gone.
  auto image = read_file("/proc/self/exe");
  ASSERT_EQ(add_payload_section(image, encode_payload(kBpf, kManifest)), "");
  image.resize(image.size() - 64);
  write_file(file("cut"), image);
  EXPECT_FALSE(read_payload(file("cut").c_str(), error));
  EXPECT_NE(error.find("outside the file"), std::string::npos) << error;
}

} // namespace
} // namespace btc::abi
