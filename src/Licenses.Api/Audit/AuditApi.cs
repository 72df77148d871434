using System.Globalization;
using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ElectronicLicense.Api.Audit;

/// <summary>The audit log's public face (用证留痕): signed tree heads and proofs for anyone, event leaves for administrators.</summary>
/// <remarks>Tree heads and proofs reveal only hashes, so they are anonymous: any auditor can check the log was not rewritten.</remarks>
internal static class AuditApi
{
    private const string NotFoundType = "urn:elic:problem:audit-not-found";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit");
        group.MapGet("/tree-head", async (AuditLog log, CancellationToken ct) => TypedResults.Ok(await log.LatestTreeHeadAsync(ct)))
            .AllowAnonymous().WithSummary("The latest signed tree head (made now if the log grew since the last one).");
        group.MapGet("/tree-heads/{size}", TreeHead)
            .AllowAnonymous().WithSummary("The tree head signed for exactly this many events, if one was.");
        group.MapGet("/proofs/inclusion", Inclusion)
            .AllowAnonymous().WithSummary("RFC 9162 inclusion proof of event `index` in the tree of `treeSize` events (default: the latest tree head's size).");
        group.MapGet("/proofs/consistency", Consistency)
            .AllowAnonymous().WithSummary("RFC 9162 consistency proof between tree sizes `first` and `second`.");
        group.MapGet("/events/{index}", Event).RequireAuthorization(Policies.Admin)
            .WithSummary("One event: its leaf bytes (base64), leaf hash and readable entry, personal fields included.");
        group.MapGet("/public-key", (AuditLog log) => TypedResults.Ok(new AuditPublicKeyResponse(log.KeyId, "ECDSA P-256 SHA-256", log.PublicKeyPem)))
            .AllowAnonymous().WithSummary("The tree-head signing key: key id (SHA-256 of SubjectPublicKeyInfo) and PEM.");
        group.MapGet("/public-key.pem", (AuditLog log) => TypedResults.Text(log.PublicKeyPem + "\n", "application/x-pem-file"))
            .AllowAnonymous().WithSummary("The tree-head signing key as a PEM file, for `elic audit verify --public-key` and openssl.");
        return app;
    }

    private static async Task<Results<Ok<SignedTreeHead>, ProblemHttpResult>> TreeHead(string size, AuditLog log, CancellationToken cancellationToken)
    {
        var treeSize = Parse("size", size, required: true)!.Value;
        return await log.TreeHeadAsync(treeSize, cancellationToken) is { } head
            ? TypedResults.Ok(head)
            : TypedResults.Problem($"No tree head was signed for size {treeSize}; ask for the latest one and a consistency proof instead.",
                statusCode: StatusCodes.Status404NotFound, title: "Tree head not found", type: NotFoundType);
    }

    private static async Task<Ok<InclusionProof>> Inclusion(string? index, string? treeSize, AuditLog log, CancellationToken cancellationToken)
    {
        var leaf = Parse("index", index, required: true)!.Value;
        var size = Parse("treeSize", treeSize, required: false) ?? (await log.LatestTreeHeadAsync(cancellationToken)).TreeSize;
        return TypedResults.Ok(await log.InclusionProofAsync(leaf, size, cancellationToken));
    }

    private static async Task<Ok<ConsistencyProof>> Consistency(string? first, string? second, AuditLog log, CancellationToken cancellationToken)
    {
        var from = Parse("first", first, required: true)!.Value;
        var to = Parse("second", second, required: false) ?? (await log.LatestTreeHeadAsync(cancellationToken)).TreeSize;
        return TypedResults.Ok(await log.ConsistencyProofAsync(from, to, cancellationToken));
    }

    private static async Task<Results<Ok<AuditEventView>, ProblemHttpResult>> Event(string index, AuditLog log, CancellationToken cancellationToken)
    {
        var leaf = Parse("index", index, required: true)!.Value;
        return await log.EventAsync(leaf, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.Problem($"The log has no event {leaf}.", statusCode: StatusCodes.Status404NotFound, title: "Audit event not found", type: NotFoundType);
    }

    // Parameters are parsed here rather than bound, so a bad one gets a problem naming it instead of a bare 400.
    private static long? Parse(string name, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            return required ? throw Invalid(name, $"{name} is required: a non-negative integer.") : null;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Invalid(name, $"{name} must be a non-negative integer.");
    }

    private static RegistryException Invalid(string name, string message) =>
        new(RegistryErrorCodes.InvalidParameter, message, [new FieldError("/" + name, message)]);
}

/// <summary>The tree-head signing key.</summary>
/// <param name="KeyId">Hex SHA-256 of the SubjectPublicKeyInfo; tree heads name it.</param>
/// <param name="Algorithm">The signature algorithm.</param>
/// <param name="PublicKeyPem">PEM SubjectPublicKeyInfo.</param>
internal sealed record AuditPublicKeyResponse(string KeyId, string Algorithm, string PublicKeyPem);
