# ctest labels: which test suites need what (README "Two commands").
#   unit     everything not listed below: no server, no browser, no terminal
#   cluster  starts a throwaway PostgreSQL 15 cluster (tests/support/pg_cluster)
#   browser  renders the HTML report in headless Chromium
#   pty      drives `pgadvise shell` on a pseudo-terminal
# A suite that uses a resource without its label fails with a message naming
# this file (tests/support/test_label.hpp), so the lists cannot drift.
# Run one tier: `ctest -L unit`, `ctest -L cluster`, ...
set(PGADVISE_TEST_SUITES_cluster
  AdviseCli
  ConnectionTest
  DispatchPoolLive
  FixConcurrentCluster
  FixPartialIndexCluster
  FixRealProjectCluster
  LensLive
  LiveAdvisor
  LiveCatalogTest
  LiveCli
  LiveConsolidation
  LiveExplainSafety
  LiveExpressionIndex
  LiveIndexSet
  LivePoliciesTest
  LiveRuleFixtures
  PeerCorpusLive
  SchemaFidelity
  StatsCli
  TypeCastsLive
  VerifyLocks
  VerifyLocksCli
  VerifyLocksServer
)
set(PGADVISE_TEST_SUITES_browser
  HtmlReport
)
set(PGADVISE_TEST_SUITES_pty
  ShellPty
)
