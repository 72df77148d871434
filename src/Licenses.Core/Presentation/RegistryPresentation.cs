using System.Text.Json.Nodes;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Presentation;

/// <summary>Publishes the signed trust list and status lists, serves offline payloads, and rotates the payload key.</summary>
public sealed class RegistryPresentation
{
    private readonly PresentationKeys keys;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly TimeProvider clock;
    private readonly TimeSpan ttl;

    internal RegistryPresentation(PresentationKeys keys, IDbContextFactory<RegistryDbContext> contexts, TimeProvider clock, IOptions<PresentationOptions> options)
    {
        this.keys = keys;
        this.contexts = contexts;
        this.clock = clock;
        ttl = TimeSpan.FromSeconds(Math.Clamp(options.Value.TtlSeconds, 1, 86_400));
    }

    /// <summary>The signed trust list document (<c>{"payload", "keyId", "algorithm", "signature"}</c>).</summary>
    public JsonObject TrustListDocument()
    {
        var (signerKey, signer) = keys.TrustListSigner;
        return TrustList.Create(keys.Published, signerKey, signer, clock.GetUtcNow(), ttl);
    }

    /// <summary>The key id of the trust-list signer, for verifiers to pin.</summary>
    public string TrustListKeyId => keys.TrustListSigner.Public.KeyId;

    /// <summary>The signed status list <paramref name="id"/>, or null when there is none.</summary>
    public async Task<JsonObject?> StatusListDocumentAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var list = await db.StatusLists.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (list is null)
        {
            return null;
        }

        var (key, signer) = keys.Active;
        return StatusList.Create(list.Id, list.Size, list.Bits, clock.GetUtcNow(), ttl, key, signer);
    }

    /// <summary>The offline payload signed for the license version <paramref name="id"/> at issue, or null when it has none.</summary>
    public async Task<string?> OfflinePayloadAsync(LicenseId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.StatusListEntries.AsNoTracking()
            .Where(e => e.Version!.LicenseId == id)
            .Select(e => e.OfflinePayload)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Retires the active payload key and makes a new one active; older payloads keep verifying with the retired key.</summary>
    public PresentationKey RotatePayloadKey() => keys.Rotate();
}
