# ctest labels: which test suites need what (README "Two commands").
#   unit     everything not listed below: in-process only (no child process,
#            server, browser or terminal). scripts/test.sh runs this tier:
#            the quick tier, run before every commit
#   cli      starts a program: the built pgadvise (end to end, as a user's
#            shell would), git, sh
#   tools    runs Node's tools: drizzle-kit, TypeScript's tsc, node scripts
#   cluster  starts a throwaway PostgreSQL 15 cluster (tests/support/pg_cluster)
#   browser  renders the HTML report in headless Chromium
#   pty      drives `pgadvise shell` on a pseudo-terminal
#   editor   drives `pgadvise lsp` from a real editor or client (Neovim,
#            Node's vscode-jsonrpc, the VS Code extension's activation)
# scripts/test.sh --all (what .ci/run runs) and the sanitizer stage run every
# tier. A suite that uses a resource without its label fails with a message
# naming this file (tests/support/test_label.hpp; tests/cli/process.cpp
# checks every program a test starts), so the lists cannot drift. A suite
# whose tests differ goes under the slowest one's label.
# Run one tier: `ctest -L unit`, `ctest -L cli`, ...
set(PGADVISE_TEST_SUITES_cli
  AppTraffic
  AppTrafficTransactionPerRow
  CiFormats
  Cli
  ConfigCli
  DatabaseOnly
  DispatchPool
  DrizzleKitLayoutsCli
  DrizzleLine
  DrizzleLineConstantList
  DrizzleLineJob
  DrizzleLineRows
  DrizzleLines
  DrizzleProjectCli
  FixCli
  FixCliPlain
  GithubAction
  GoldenReport
  HostileInput
  HostileSqlFile
  LensCli
  Merge
  PeerCorpus
  PeerCorpusText
  Process
  PullRequest
  QueryInLoop
  QueryInLoopApp
  QueryInLoopRealShapes
  RealShapes
  RealSizedReport
  Redaction
  RepositoryDiscoveryCli
  RulesTable
  SeveralDatabasesCli
  TeamBoard
  TimestampWithoutTimeZone
  Timings
  WorkloadCli
)
set(PGADVISE_TEST_SUITES_tools
  FixRoundTrip
  FixRoundTripLargeTable
  FixSafeByDefault
  GithubCommentPost
)
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
set(PGADVISE_TEST_SUITES_editor
  LspEditors
)
