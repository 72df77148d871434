using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>A single-use 亮证 code as given to the holder; the registry keeps only its hash.</summary>
/// <param name="Code">160 random bits in RFC 4648 base32 (32 characters, no padding).</param>
/// <param name="LicenseId">The license it shows.</param>
/// <param name="ExpiresAt">When it can no longer be redeemed.</param>
public sealed record Presentation(string Code, string LicenseId, DateTimeOffset ExpiresAt);

/// <summary>Online 亮证: a holder makes a short-lived single-use code for one license; a verifier redeems it once.</summary>
public sealed class PresentationService
{
    /// <summary>Prefix of the QR payload of a 亮证 code, so a scanner tells it from an offline license payload.</summary>
    public const string QrPrefix = "urn:elic:presentation:";

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly SharingService sharing;
    private readonly IAuditTrail audit;
    private readonly TimeProvider clock;
    private readonly SharingOptions options;

    internal PresentationService(IDbContextFactory<RegistryDbContext> contexts, SharingService sharing, IAuditTrail audit, TimeProvider clock, SharingOptions options)
    {
        this.contexts = contexts;
        this.sharing = sharing;
        this.audit = audit;
        this.clock = clock;
        this.options = options;
    }

    /// <summary>Makes a code for one of the holder's licenses.</summary>
    /// <exception cref="RegistryException">No such license of this holder (404), or its type is 不予共享 (403).</exception>
    public async Task<Presentation> CreateAsync(HolderIdentity holder, LicenseId licenseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(licenseId);
        var (view, type, holderCode) = await sharing.LoadAsync(licenseId, cancellationToken);
        if (view is null || holderCode != holder.Code)
        {
            throw new RegistryException(RegistryErrorCodes.LicenseNotFound, "You hold no license with this 证照标识.");
        }

        var entry = new AuditEntry
        {
            Action = AuditActions.PresentationCreate,
            Outcome = AuditOutcome.Success,
            ActorKind = AuditActorKind.Holder,
            HolderCode = holder.Code,
            AgentCode = holder.AgentCode,
            LicenseId = view.CurrentId.Value,
            TypeCode = view.TypeCode.Value,
        };
        if (type is null || type.SharingLevel == Catalog.SharingLevel.NotShared)
        {
            await audit.AppendAsync(entry with { Outcome = AuditOutcome.Denied, Detail = "not-shared" }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "Licenses of a 不予共享 type cannot be shown by code.");
        }

        var code = NewCode();
        var now = clock.GetUtcNow();
        var expires = now + options.PresentationLifetime;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.Presentations.Add(new PresentationRecord
            {
                CodeHash = Hash(code),
                LicenseId = view.CurrentId.Value,
                HolderCode = holder.Code,
                CreatedAtUtc = now.UtcDateTime,
                ExpiresAtUtc = expires.UtcDateTime,
            });
            AuditOutbox.Add(db, entry, now.UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
        }

        await AuditOutbox.AppendCommittedAsync(audit);
        return new Presentation(code, view.CurrentId.Value, expires);
    }

    /// <summary>Redeems a code (bare or as its QR payload) once: the license's status and the fields its type shows without a grant (sensitive ones masked).</summary>
    /// <exception cref="RegistryException">Unknown code (404), already redeemed or expired (410), caller not a verifier (403).</exception>
    public async Task<SharedLicense> RedeemAsync(DepartmentIdentity caller, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var text = (code ?? string.Empty).Trim();
        text = text.StartsWith(QrPrefix, StringComparison.OrdinalIgnoreCase) ? text[QrPrefix.Length..] : text;
        var hash = Hash(text.ToUpperInvariant());
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Presentations.AsNoTracking().SingleOrDefaultAsync(p => p.CodeHash == hash, cancellationToken);
        var entry = SharingService.DepartmentEvent(AuditActions.PresentationRedeem, AuditOutcome.Denied, caller, record?.HolderCode, record?.LicenseId, null, null);
        if (record is null)
        {
            await audit.AppendAsync(entry with { Detail = RegistryErrorCodes.PresentationNotFound }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.PresentationNotFound, "No 亮证 code matches.");
        }

        if (caller.Role != DepartmentRole.Verifier)
        {
            await audit.AppendAsync(entry with { Detail = "role" }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "Only verifier credentials redeem 亮证 codes.");
        }

        var (view, type, _) = await sharing.LoadAsync(LicenseId.Parse(record.LicenseId), cancellationToken);
        var (fields, masked) = view is null || type is null ? default : FieldProjection.PublicView(SharingService.Current(view).Data, type);

        // Conditional UPDATE: of two concurrent redemptions exactly one changes the row; the redemption and its event commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var redeemed = await db.Presentations
            .Where(p => p.CodeHash == hash && p.RedeemedAtUtc == null && p.ExpiresAtUtc > now)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.RedeemedAtUtc, now).SetProperty(p => p.RedeemedBy, caller.Code.Value), cancellationToken);
        if (redeemed == 1 && view is not null && type is not null)
        {
            AuditOutbox.Add(db, entry with { Outcome = AuditOutcome.Success, TypeCode = type.Code.Value, Fields = fields!.Keys.ToArray(), Detail = "presentation" }, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (redeemed == 0)
        {
            var why = record.RedeemedAtUtc is not null || record.ExpiresAtUtc > now ? "redeemed" : "expired";
            await audit.AppendAsync(entry with { Detail = why }, cancellationToken);
            throw new RegistryException(RegistryErrorCodes.PresentationGone, why == "redeemed"
                ? "This 亮证 code was already redeemed: each code is used once."
                : "This 亮证 code has expired: ask the holder for a new one.");
        }

        if (view is null || type is null)
        {
            throw new RegistryException(RegistryErrorCodes.LicenseNotFound, "The license of this code is no longer in the registry.");
        }

        await AuditOutbox.AppendCommittedAsync(audit);
        return new SharedLicense(view.CurrentId.Value, type.Code.Value, type.Name, view.Status, fields!, masked!, AccessBasis.Presentation, null);
    }

    internal static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    /// <summary>160 random bits as 32 base32 characters.</summary>
    internal static string NewCode()
    {
        Span<byte> bytes = stackalloc byte[20];
        RandomNumberGenerator.Fill(bytes);
        var text = new StringBuilder(32);
        for (var i = 0; i < 32; i++)
        {
            var bit = i * 5;
            var value = ((bytes[bit / 8] << 8) | (bit / 8 + 1 < 20 ? bytes[bit / 8 + 1] : 0)) >> (11 - bit % 8) & 31;
            text.Append(Base32[value]);
        }

        return text.ToString();
    }
}
