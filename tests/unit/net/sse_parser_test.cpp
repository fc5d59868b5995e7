#include <gtest/gtest.h>

#include "net/sse_parser.hpp"

using namespace parley;

namespace {

std::vector<net::SseEvent> parse(std::string_view stream, std::size_t piece = 0) {
  std::vector<net::SseEvent> out;
  net::SseParser p([&](const net::SseEvent& e) { out.push_back(e); });
  if (piece == 0) {
    EXPECT_TRUE(p.feed(stream));
  } else {
    for (std::size_t i = 0; i < stream.size(); i += piece) EXPECT_TRUE(p.feed(stream.substr(i, piece)));
  }
  p.finish();
  return out;
}

}  // namespace

// The examples of WHATWG HTML s9.2.6.
TEST(SseParser, MultipleDataLinesJoinWithLineFeeds) {
  auto e = parse("data: YHOO\ndata: +2\ndata: 10\n\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].data, "YHOO\n+2\n10");
  EXPECT_EQ(e[0].type, "message");
}

TEST(SseParser, CommentsIdsAndTheUnterminatedLastEvent) {
  auto e = parse(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n");
  ASSERT_EQ(e.size(), 2u);  // the third has no blank line after it: discarded at the end
  EXPECT_EQ(e[0].data, "first event");
  EXPECT_EQ(e[0].last_event_id, "1");
  EXPECT_EQ(e[1].data, "second event");
  EXPECT_EQ(e[1].last_event_id, "");  // "id" with no value resets it
}

TEST(SseParser, EmptyDataFieldsAndFieldsWithoutColon) {
  auto e = parse("data\n\ndata\ndata\n\ndata:");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].data, "");
  EXPECT_EQ(e[1].data, "\n");
}

TEST(SseParser, OnlyOneLeadingSpaceIsStripped) {
  auto e = parse("data:test\n\ndata: test\n\ndata:  test\n\n");
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].data, "test");
  EXPECT_EQ(e[1].data, "test");
  EXPECT_EQ(e[2].data, " test");
}

TEST(SseParser, CrLfAndCrLineEndsEvenSplitBetweenChunks) {
  std::string_view s = "event: add\r\ndata: a\r\rdata: b\r\n\r\n";
  for (std::size_t piece : {0, 1, 2, 3, 5}) {
    auto e = parse(s, piece);
    ASSERT_EQ(e.size(), 2u) << piece;
    EXPECT_EQ(e[0].type, "add");
    EXPECT_EQ(e[0].data, "a");
    EXPECT_EQ(e[1].type, "message");
    EXPECT_EQ(e[1].data, "b");
  }
}

TEST(SseParser, ByteOrderMarkRetryAndUnknownFields) {
  auto e = parse("\xEF\xBB\xBF" "retry: 2500\nfoo: bar\ndata: x\n\nretry: 1e3\ndata: y\n\n", 1);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].data, "x");
  EXPECT_EQ(e[0].retry_ms, 2500);
  EXPECT_EQ(e[1].retry_ms, 2500);  // "1e3" is not all digits: ignored
}

TEST(SseParser, EventTypeResetsAfterAnEventWithoutData) {
  auto e = parse("event: ping\n\ndata: z\n\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].type, "message");
}

TEST(SseParser, OpenAiStyleStreamEndsWithDone) {
  auto e = parse("data: {\"choices\":[]}\n\ndata: [DONE]\n\n", 7);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].data, "[DONE]");
}

TEST(SseParser, OverlongLineIsRefused) {
  net::SseParser p([](const net::SseEvent&) {}, 16, 64);
  auto r = p.feed("data: 0123456789abcdef0123");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::Errc::too_large);
  EXPECT_FALSE(p.feed("\n\n"));  // stays failed
  net::SseParser q([](const net::SseEvent&) {}, 1024, 8);
  EXPECT_FALSE(q.feed("data: 12345\ndata: 6789\n"));
}
