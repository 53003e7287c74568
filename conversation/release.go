package conversation

// APIRelease is the release of UltraCart's REST API that this package
// speaks: the version of UltraCart's SDKs whose operations and models its
// methods and types follow. It is api/openapi.yaml's info.version, written
// from that release's JavaScript SDK by internal/specsync (`make sync-spec`).
const APIRelease = "4.1.86"
