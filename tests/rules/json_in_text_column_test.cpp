#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace json_in_text_column_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "json-in-text-column";

model::Catalog one_column(model::Column col) {
  model::Table t = table("events", {column("id"), std::move(col)}, 1);
  t.indexes.push_back(primary_key("events_pkey", {"id"}));
  return catalog_of({t});
}

TEST(JsonInTextColumn, JsonDefaultsAreStrongFindings) {
  for (const char* default_expr :
       {"'{}'", "'[]'::text", "'{\"json\": {}}'::text", "('[1, 2]'::character varying)"}) {
    const auto findings = run_rule(k_rule, one_column(column("blob", "text", false, default_expr, 3)));
    ASSERT_EQ(findings.size(), 1U) << default_expr;
    EXPECT_EQ(findings[0].severity, core::Severity::high) << default_expr;
    EXPECT_EQ(findings[0].object.to_string(), "public.events(blob)");
    EXPECT_EQ(findings[0].location, at(3));
    ASSERT_TRUE(findings[0].fix);
    EXPECT_NE(findings[0].fix->statements().find("TYPE jsonb USING blob::jsonb"), std::string::npos);
  }
}

TEST(JsonInTextColumn, VarcharAndDomainsOverTextCount) {
  EXPECT_EQ(
      run_rule(k_rule, one_column(column("blob", "varchar(2000)", false, "'{}'::character varying"))).size(),
      1U);
  model::Catalog catalog = one_column(column("blob", "public.doc", false, "'{}'"));
  model::Domain domain;
  domain.name = "doc";
  domain.base = model::parse_type_text("text");
  catalog.domains.push_back(domain);
  const auto findings = run_rule(k_rule, catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
}

TEST(JsonInTextColumn, NonJsonDefaultsAndOtherTypesAreNotReported) {
  EXPECT_TRUE(run_rule(k_rule, one_column(column("blob", "text", false, "'hello'"))).empty());
  EXPECT_TRUE(run_rule(k_rule, one_column(column("blob", "text", false, "'{a,b}'"))).empty());
  EXPECT_TRUE(run_rule(k_rule, one_column(column("blob", "text", false, "'\"str\"'"))).empty());
  EXPECT_TRUE(run_rule(k_rule, one_column(column("blob", "jsonb", false, "'{}'::jsonb"))).empty());
  EXPECT_TRUE(run_rule(k_rule, one_column(column("tags", "text[]", false, "'{}'::text[]"))).empty());
  EXPECT_TRUE(run_rule(k_rule, one_column(column("counter", "int4", false, "0"))).empty());
}

TEST(JsonInTextColumn, JsonLikeNamesAreLowHints) {
  for (const char* name : {"metadata", "payload", "user_settings", "raw_json", "jsonData",
                           "notificationPreferences", "config", "extra"}) {
    const auto findings = run_rule(k_rule, one_column(column(name, "text", false, std::nullopt, 4)));
    ASSERT_EQ(findings.size(), 1U) << name;
    EXPECT_EQ(findings[0].severity, core::Severity::low) << name;
    EXPECT_EQ(findings[0].object.columns, std::vector<std::string>{name});
    EXPECT_NE(findings[0].help.find("IS JSON"), std::string::npos); // says how to confirm
    // A name is no proof: `USING col::jsonb` would fail on the first row that is not JSON.
    EXPECT_FALSE(findings[0].fix.has_value()) << name;
  }
}

TEST(JsonInTextColumn, NamesThatSayCiphertextCertificateKeyOrTokenAreNotJson) {
  for (const char* name :
       {"encrypted_provider_configuration", "tls_cert_data", "certificate_payload", "api_key_settings",
        "refresh_token_data", "cipher_payload", "secretConfig", "encryptedMetadata"}) {
    EXPECT_TRUE(run_rule(k_rule, one_column(column(name, "text"))).empty()) << name;
  }
}

TEST(JsonInTextColumn, OrdinaryNamesAndPlainStringDefaultsGiveNoHint) {
  for (const char* name : {"title", "meta_title", "data_source", "birth_date", "optional_note", "json_path",
                           "jsonSchemaUrl", "json_file_name"}) {
    EXPECT_TRUE(run_rule(k_rule, one_column(column(name, "text"))).empty()) << name;
  }
  // `data` names base64 bytes, a storage path or a link as often as JSON
  // (documenso's DocumentData.data and initialData, EnvelopeAttachment.data).
  for (const char* name : {"data", "initialData", "file_data"}) {
    EXPECT_TRUE(run_rule(k_rule, one_column(column(name, "text"))).empty()) << name;
  }
  // A string default that is not JSON says the column holds strings.
  EXPECT_TRUE(run_rule(k_rule, one_column(column("settings", "text", false, "'dark'"))).empty());
  // char(n) is never a JSON container.
  EXPECT_TRUE(run_rule(k_rule, one_column(column("payload", "char(10)"))).empty());
}

TEST(JsonInTextColumn, NameHintsOptionTurnsHintsOffButNotStrongFindings) {
  EXPECT_TRUE(run_rule(k_rule, one_column(column("metadata", "text")), {{"name-hints", "false"}}).empty());
  const auto strong =
      run_rule(k_rule, one_column(column("metadata", "text", false, "'{}'")), {{"name-hints", "false"}});
  ASSERT_EQ(strong.size(), 1U);
  EXPECT_EQ(strong[0].severity, core::Severity::high);
}

TEST(JsonInTextColumn, FixMirrorsTheDefaultInDrizzle) {
  model::Project project;
  project.uses_drizzle = true;
  auto catalog = one_column(column("settings", "text", true, "'{\"theme\": \"dark\"}'::text"));
  const auto findings = run_rule(k_rule, catalog, {}, &project);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].fix->code_text(), "settings: jsonb(\"settings\").$type<Record<string, "
                                          "unknown>>().notNull().default({\"theme\":\"dark\"})");
  EXPECT_EQ(findings[0].fix->statements(),
            "ALTER TABLE events ALTER COLUMN settings DROP DEFAULT, ALTER COLUMN settings TYPE jsonb USING "
            "settings::jsonb, ALTER COLUMN settings SET DEFAULT '{\"theme\": \"dark\"}'::jsonb;");
  EXPECT_NE(findings[0].fix->safety_note.find("ACCESS EXCLUSIVE"), std::string::npos);
}

TEST(JsonInTextColumn, FingerprintIsPerColumn) {
  model::Table t = table("events", {column("a", "text", false, "'{}'"), column("b", "text", false, "'[]'")});
  const auto findings = run_rule(k_rule, catalog_of({t}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_NE(findings[0].fingerprint, findings[1].fingerprint);
  EXPECT_FALSE(findings[0].fingerprint.empty());
}

} // namespace json_in_text_column_test
