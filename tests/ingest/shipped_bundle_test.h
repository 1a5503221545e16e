// A test fixture that extracts short texts with the shipped bundle (ingest/data), loaded once
// per test suite: the extraction tests share it so each file only adds its own lookups.
#ifndef KG_TESTS_INGEST_SHIPPED_BUNDLE_TEST_H_
#define KG_TESTS_INGEST_SHIPPED_BUNDLE_TEST_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "ingest/ingest.h"

namespace kg::ingest {

class ShippedBundleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto b = Bundle::Load(KG_INGEST_TEST_DATA);
    ASSERT_TRUE(b.ok()) << b.status();
    bundle_ = new std::shared_ptr<const Bundle>(*b);
  }
  static void TearDownTestSuite() {
    delete bundle_;
    bundle_ = nullptr;
  }

  // Cleans `text` as an ingest does and extracts it as document "t".
  Extraction Run(const std::string& text, const std::string& title = "") {
    Document d;
    d.id = "t";
    d.title = title;
    auto clean = CleanText(text);
    EXPECT_TRUE(clean.ok());
    d.text = *clean;
    auto x = Extractor(*bundle_).Extract(d);
    EXPECT_TRUE(x.ok()) << x.status();
    return *x;
  }

  static inline std::shared_ptr<const Bundle>* bundle_ = nullptr;
};

}  // namespace kg::ingest

#endif  // KG_TESTS_INGEST_SHIPPED_BUNDLE_TEST_H_
