using System.Net;
using System.Net.Http.Json;
using System.Text;
using ElectronicLicense.Api.Tests.Infrastructure;
using static ElectronicLicense.Api.Tests.Authorization.Caller;

namespace ElectronicLicense.Api.Tests.Authorization;

/// <summary>What a request builder gets: the host, who calls, and whether the matrix allows it (allowed calls get fresh data where they change it).</summary>
public sealed record MatrixCall(MatrixHost Host, Caller Caller, bool Allowed);

/// <summary>One row: an endpoint (method + the app's route pattern), a case of it, who may call it, and a realistic request.</summary>
public sealed record MatrixRule(string Method, string Pattern, string Case, Caller[] Allowed, HttpStatusCode Success, Func<MatrixCall, Task<HttpRequestMessage>> Request)
{
    public string Key => $"{Method} {Pattern} [{Case}]";
}

/// <summary>The expected authorisation of every endpoint of the API, for every caller.</summary>
/// <remarks>
/// Refusals at the door (policy: 401 anonymous, 403 wrong role) and inside the endpoint (403 <c>not-authorised</c>: an
/// issuer and another issuer's license, a verifier-only read, someone else's receipt) are both listed: a case whose
/// allowed set is narrower than the route's policy says why in its name.
/// </remarks>
public static class AuthorizationMatrix
{
    private static readonly Caller[] Everyone = [Anonymous, Holder, Issuer, Verifier, Archivist, Admin];
    private static readonly Caller[] Departments = [Issuer, Verifier, Archivist, Admin];
    private static readonly Caller[] Nobody = [];

    public static IReadOnlyList<MatrixRule> Rules { get; } =
    [
        // Catalog: public reference data.
        Get("/api/v1/catalog/types", "list", Everyone, _ => "/api/v1/catalog/types"),
        Get("/api/v1/catalog/types/{code}", "one type", Everyone, _ => $"/api/v1/catalog/types/{MatrixHost.DrivingType}"),

        // 归集 and registry reads. Verifiers read holder data only under a grant or a duty basis, never here.
        Send("POST", "/api/v1/licenses", "push", [Issuer], HttpStatusCode.Created, _ => Json(NewDrivingLicence())),
        Send("POST", "/api/v1/licenses/batch", "push ndjson", [Issuer], HttpStatusCode.OK,
            _ => Task.FromResult<HttpContent>(new StringContent(NewDrivingLicence().ToJsonString() + "\n", Encoding.UTF8, "application/x-ndjson"))),
        Send("POST", "/api/v1/licenses/search", "by holder (issuer: only its own)", [Issuer, Archivist, Admin], HttpStatusCode.OK,
            _ => Json(new { holderCode = MatrixHost.Driver })),
        Get("/api/v1/licenses/{id}", "issuer's own license", [Issuer, Archivist, Admin], c => $"/api/v1/licenses/{c.Host.DrivingLicence}"),
        Get("/api/v1/licenses/{id}", "another issuer's license", [Archivist, Admin], c => $"/api/v1/licenses/{c.Host.BusinessLicense}"),
        Get("/api/v1/licenses/{id}/document", "issuer's own license", [Issuer, Archivist, Admin], c => $"/api/v1/licenses/{c.Host.DrivingLicence}/document?format=pdf"),
        Get("/api/v1/licenses/{id}/document", "another issuer's license", [Archivist, Admin], c => $"/api/v1/licenses/{c.Host.BusinessLicense}/document?format=ofd"),
        Lifecycle("revoke", "issuer's own license", [Issuer, Admin], c => c.Allowed ? c.Host.PushAsync(DrivingSample) : Task.FromResult(c.Host.DrivingLicence),
            new { reasonCode = "issued-in-error" }),
        Lifecycle("revoke", "another issuer's license", [Admin], c => c.Allowed ? c.Host.PushAsync(BusinessSample) : Task.FromResult(c.Host.BusinessLicense),
            new { reasonCode = "issued-in-error" }),
        Lifecycle("suspend", "issuer's own license", [Issuer, Admin], c => c.Allowed ? c.Host.PushAsync(DrivingSample) : Task.FromResult(c.Host.DrivingLicence),
            new { reasonCode = "under-investigation" }),
        Lifecycle("resume", "issuer's own suspended license", [Issuer, Admin], c => c.Allowed ? c.Host.PushSuspendedAsync() : Task.FromResult(c.Host.DrivingLicence),
            new { reasonCode = "investigation-closed" }),
        Get("/api/v1/licenses/{id}/offline-payload", "issuer's own license", Departments, c => $"/api/v1/licenses/{c.Host.DrivingLicence}/offline-payload"),
        Get("/api/v1/licenses/{id}/offline-payload", "another issuer's license", [Verifier, Archivist, Admin], c => $"/api/v1/licenses/{c.Host.BusinessLicense}/offline-payload"),

        // Departments.
        Get("/api/v1/departments", "list", [Admin], _ => "/api/v1/departments"),
        Get("/api/v1/me", "the caller", Departments, _ => "/api/v1/me"),

        // Seals.
        Send("POST", "/api/v1/seals", "make", [Admin], HttpStatusCode.Created, _ => Json(new { department = MatrixHost.BigDataBureau, kind = "公章" })),
        Get("/api/v1/seals", "list", Departments, _ => "/api/v1/seals"),
        Get("/api/v1/seals/trust-anchors", "registry CA", Everyone, _ => "/api/v1/seals/trust-anchors"),
        Get("/api/v1/seals/{esId}", "one", Departments, c => $"/api/v1/seals/{c.Host.SealId}"),
        Get("/api/v1/seals/{esId}/picture", "picture", Departments, c => $"/api/v1/seals/{c.Host.SealId}/picture"),
        Get("/api/v1/seals/{esId}/esl", "DER seal", Departments, c => $"/api/v1/seals/{c.Host.SealId}/esl"),
        new("POST", "/api/v1/seals/{esId}/revoke", "revoke", [Admin], HttpStatusCode.OK, async c => new HttpRequestMessage(HttpMethod.Post,
            $"/api/v1/seals/{(c.Allowed ? await c.Host.NewSealAsync() : c.Host.SealId)}/revoke") { Content = JsonContent.Create(new { reason = "authorisation matrix" }) }),

        // 核验 and receipts.
        Send("POST", "/api/v1/verifications", "by license id", Departments, HttpStatusCode.OK, c => Json(new { licenseId = c.Host.DrivingLicence })),
        new("GET", "/api/v1/verifications/{receiptId:guid}", "own receipt", Departments, HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/verifications/{await c.Host.ReceiptAsync(c.Caller)}")),
        new("GET", "/api/v1/verifications/{receiptId:guid}/report", "own receipt", Departments, HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/verifications/{await c.Host.ReceiptAsync(c.Caller)}/report")),

        // A receipt is evidence of one department's case file: no other department reads it.
        new("GET", "/api/v1/verifications/{receiptId:guid}", "another department's receipt", Nobody, HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/verifications/{await c.Host.ReceiptAsync(c.Caller == Verifier ? Admin : Verifier)}")),
        Get("/api/v1/verifications/receipt-certificate", "certificate", Everyone, _ => "/api/v1/verifications/receipt-certificate"),

        // Holders.
        Send("POST", "/api/v1/dev/holder-tokens", "development provider", Everyone, HttpStatusCode.OK, _ => Json(new { holderCode = MatrixHost.OtherCitizen })),
        Send("POST", "/api/v1/grants", "create", [Holder], HttpStatusCode.Created, _ => Json(MatrixHost.GrantBody(MatrixHost.CivilAffairs))),
        Get("/api/v1/grants", "own grants", [Holder], _ => "/api/v1/grants"),
        Get("/api/v1/grants/{id}", "own grant", [Holder], c => $"/api/v1/grants/{c.Host.Grants[Verifier]}"),
        new("POST", "/api/v1/grants/{id}/revoke", "own grant", [Holder], HttpStatusCode.OK, async c => new HttpRequestMessage(HttpMethod.Post,
            $"/api/v1/grants/{(c.Allowed ? await c.Host.GrantAsync(MatrixHost.Driver, MatrixHost.CivilAffairs) : c.Host.Grants[Verifier])}/revoke")),
        Get("/api/v1/holders/me/licenses", "own licenses", [Holder], _ => "/api/v1/holders/me/licenses"),
        Get("/api/v1/holders/me/access-log", "own access log", [Holder], _ => "/api/v1/holders/me/access-log"),
        Send("POST", "/api/v1/presentations", "亮证 of own license", [Holder], HttpStatusCode.Created, c => Json(new { licenseId = c.Host.DrivingLicence })),

        // Redeeming a 亮证 code: verifier credentials only (checked inside, after the code is found).
        new("POST", "/api/v1/presentations/redeem", "fresh code", [Verifier], HttpStatusCode.OK, async c => new HttpRequestMessage(HttpMethod.Post, "/api/v1/presentations/redeem")
        {
            Content = JsonContent.Create(new { code = await c.Host.PresentationCodeAsync() }),
        }),

        // Shared reads: any role of the grantee department (each caller uses a grant made to its own department).
        Get("/api/v1/shared/licenses", "under a grant to the caller's department", Departments, c => $"/api/v1/shared/licenses?grant={GrantFor(c)}"),
        Get("/api/v1/shared/licenses/{id}", "under a grant to the caller's department", Departments, c => $"/api/v1/shared/licenses/{c.Host.DrivingLicence}?grant={GrantFor(c)}"),

        // Without a grant: only a verifier, only a 无条件共享 type.
        Get("/api/v1/shared/licenses/{id}", "no grant, 无条件共享 type", [Verifier], c => $"/api/v1/shared/licenses/{c.Host.BusinessLicense}"),
        Get("/api/v1/shared/licenses/{id}", "no grant, 有条件共享 type", Nobody, c => $"/api/v1/shared/licenses/{c.Host.DrivingLicence}"),
        Get("/api/v1/shared/licenses/{id}/document", "under a grant listing 证照文件", Departments,
            c => $"/api/v1/shared/licenses/{c.Host.DrivingLicence}/document?grant={GrantFor(c)}&format=pdf"),

        // 依职能用证: verifier credentials only, with legal basis, officer and case number.
        new("GET", "/api/v1/duty/licenses/{id}", "with a full duty basis", [Verifier], HttpStatusCode.OK, c =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/duty/licenses/{c.Host.DrivingLicence}");
            request.Headers.Add("X-Legal-Basis", "道路交通安全法第19条");
            request.Headers.Add("X-Officer-Id", "OFFICER-0042");
            request.Headers.Add("X-Case-Number", "CASE-2026-0001");
            return Task.FromResult(request);
        }),

        // Audit log: hashes and proofs for anyone; readable events for administrators.
        Get("/api/v1/audit/tree-head", "latest", Everyone, _ => "/api/v1/audit/tree-head"),
        new("GET", "/api/v1/audit/tree-heads/{size}", "a signed size", Everyone, HttpStatusCode.OK, async c =>
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit/tree-heads/{await c.Host.SignedTreeSizeAsync()}")),
        Get("/api/v1/audit/proofs/inclusion", "event 0", Everyone, _ => "/api/v1/audit/proofs/inclusion?index=0"),
        Get("/api/v1/audit/proofs/consistency", "from size 1", Everyone, _ => "/api/v1/audit/proofs/consistency?first=1"),
        Get("/api/v1/audit/events/{index}", "event 0", [Admin], _ => "/api/v1/audit/events/0"),
        Get("/api/v1/audit/public-key", "JSON", Everyone, _ => "/api/v1/audit/public-key"),
        Get("/api/v1/audit/public-key.pem", "PEM", Everyone, _ => "/api/v1/audit/public-key.pem"),

        // Electronic archives: archivists and admins; any department may report a closed case.
        Send("POST", "/api/v1/archives/exports", "one license", [Archivist, Admin], HttpStatusCode.Accepted, c => Json(new { licenseId = c.Host.DrivingLicence })),
        new("GET", "/api/v1/archives/exports/{id}", "the archivist's job", [Archivist, Admin], HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/archives/exports/{await c.Host.CompletedExportAsync()}")),
        new("GET", "/api/v1/archives/exports/{id}/packages", "the archivist's job", [Archivist, Admin], HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/archives/exports/{await c.Host.CompletedExportAsync()}/packages")),
        new("GET", "/api/v1/archives/exports/{id}/download", "the archivist's job", [Archivist, Admin], HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/archives/exports/{await c.Host.CompletedExportAsync()}/download")),
        new("GET", "/api/v1/archives/packages/{licenseId}", "archived license", [Archivist, Admin], HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/archives/packages/{await c.Host.ArchivedLicenceAsync()}")),
        new("GET", "/api/v1/archives/packages/{licenseId}/bag", "archived license", [Archivist, Admin], HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/archives/packages/{await c.Host.ArchivedLicenceAsync()}/bag")),
        new("GET", "/api/v1/archives/packages/{licenseId}/report", "archived license", [Archivist, Admin], HttpStatusCode.OK,
            async c => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/archives/packages/{await c.Host.ArchivedLicenceAsync()}/report")),
        Send("POST", "/api/v1/archives/case-closures", "a closed case", Departments, HttpStatusCode.Accepted,
            c => Json(new { caseNumber = "BJ" + Guid.NewGuid().ToString("N")[..12], licenseIds = new[] { c.Host.DrivingLicence } })),
        Get("/api/v1/archives/queue", "counts", [Archivist, Admin], _ => "/api/v1/archives/queue"),

        // Offline 核验 material.
        Get("/api/v1/trust-list", "signed trust list", Everyone, _ => "/api/v1/trust-list"),
        Send("POST", "/api/v1/trust-list/rotate", "rotate the payload key", [Admin], HttpStatusCode.OK, _ => Task.FromResult<HttpContent>(new StringContent(string.Empty))),
        Get("/api/v1/status-lists/{id:int}", "an existing list", Everyone, c => $"/api/v1/status-lists/{c.Host.StatusListId}"),
    ];

    private const string DrivingSample = "motor-vehicle-driving-licence-1.json";
    private const string BusinessSample = "business-license-1.json";

    private static string GrantFor(MatrixCall c) => c.Host.Grants[MatrixHost.IsDepartment(c.Caller) ? c.Caller : Verifier];

    private static System.Text.Json.Nodes.JsonObject NewDrivingLicence()
    {
        var body = Samples.License(DrivingSample);
        body["证照编号"] = "M" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        return body;
    }

    private static Task<HttpContent> Json(object body) => Task.FromResult<HttpContent>(body is System.Text.Json.Nodes.JsonNode node ? Samples.Json(node) : JsonContent.Create(body));

    private static MatrixRule Get(string pattern, string @case, Caller[] allowed, Func<MatrixCall, string> path) =>
        new("GET", pattern, @case, allowed, HttpStatusCode.OK, c => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, path(c))));

    private static MatrixRule Send(string method, string pattern, string @case, Caller[] allowed, HttpStatusCode success, Func<MatrixCall, Task<HttpContent>> content) =>
        new(method, pattern, @case, allowed, success, async c => new HttpRequestMessage(new HttpMethod(method), pattern) { Content = await content(c) });

    private static MatrixRule Lifecycle(string action, string @case, Caller[] allowed, Func<MatrixCall, Task<string>> license, object body) =>
        new("POST", $"/api/v1/licenses/{{id}}/{action}", @case, allowed, HttpStatusCode.OK, async c => new HttpRequestMessage(HttpMethod.Post,
            $"/api/v1/licenses/{await license(c)}/{action}") { Content = JsonContent.Create(body) });
}
