using System.Security.Cryptography;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Ses;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Sealing;

/// <summary>An electronic seal as the registry describes it.</summary>
/// <param name="EsId">印章编码.</param>
/// <param name="Department">The department the seal belongs to.</param>
/// <param name="Kind">证照专用章, 公章 or 业务专用章.</param>
/// <param name="Name">印章名称.</param>
/// <param name="ValidFrom">Start of validity.</param>
/// <param name="ValidUntil">End of validity.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">The administrator department that made it.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
/// <param name="RevocationReason">Why it was revoked.</param>
/// <param name="Signer">Subject of the department certificate the seal lists.</param>
/// <param name="Maker">Subject of the seal maker's certificate.</param>
/// <param name="PictureWidthMm">Picture width in millimetres.</param>
/// <param name="PictureHeightMm">Picture height in millimetres.</param>
public sealed record SealView(
    string EsId,
    string Department,
    string Kind,
    string Name,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt,
    string? RevocationReason,
    string Signer,
    string Maker,
    int PictureWidthMm,
    int PictureHeightMm);

/// <summary>What an administrator asks for when making a seal.</summary>
public sealed class SealRequest
{
    /// <summary>The department's 统一社会信用代码.</summary>
    public required string Department { get; init; }

    /// <summary>证照专用章, 公章 or 业务专用章.</summary>
    public required string Kind { get; init; }

    /// <summary>A PNG to use as the picture instead of the generated red round seal.</summary>
    public byte[]? PicturePng { get; init; }

    /// <summary>Validity in years (1–10); the configured default when null.</summary>
    public int? ValidYears { get; init; }
}

/// <summary>Makes, lists and revokes the departments' electronic seals (GB/T 38540), made by the registry's seal maker.</summary>
public sealed class SealRegistry
{
    /// <summary>The seal kinds the catalog's signature policies use.</summary>
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "证照专用章", "公章", "业务专用章" };

    /// <summary>Diameter of the generated seal picture: 42 mm, the usual official seal.</summary>
    private const int PictureMm = 42;

    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly RegistryKeys keys;
    private readonly DepartmentDirectory departments;
    private readonly TimeProvider clock;
    private readonly SealingOptions options;
    // The license font (Issuance:FontPath): demo seals draw their pictures with it.
    private readonly string fontPath;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Department, string Kind), bool> demoSealsFor = new();
    private readonly SemaphoreSlim demoSealLock = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Department, string Kind), (SealRecord Record, DateTime At)> activeSeals = new();

    /// <summary>How long a looked-up active seal is reused before the database is asked again.</summary>
    internal static readonly TimeSpan ActiveSealCacheTime = TimeSpan.FromSeconds(5);

    internal SealRegistry(IDbContextFactory<RegistryDbContext> contexts, RegistryKeys keys, DepartmentDirectory departments, TimeProvider clock, IOptions<SealingOptions> options, string fontPath)
    {
        this.contexts = contexts;
        this.keys = keys;
        this.departments = departments;
        this.clock = clock;
        this.options = options.Value;
        this.fontPath = fontPath;
    }

    /// <summary>Makes a seal for a department (administrators only).</summary>
    /// <exception cref="RegistryException">Not an administrator, unknown department, unknown kind, or a picture that is not a PNG.</exception>
    public async Task<SealView> MakeAsync(DepartmentIdentity caller, SealRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (caller.Role != DepartmentRole.Admin)
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "Only an administrator may make seals.");
        }

        var errors = new List<FieldError>();
        if (!UnifiedSocialCreditCode.TryParse(request.Department, out var code, out _))
        {
            errors.Add(new FieldError("/department", "must be a department's 统一社会信用代码"));
        }

        if (!Kinds.Contains(request.Kind))
        {
            errors.Add(new FieldError("/kind", "must be one of 证照专用章, 公章, 业务专用章"));
        }

        if (request.ValidYears is < 1 or > 10)
        {
            errors.Add(new FieldError("/validYears", "must be between 1 and 10"));
        }

        if (request.PicturePng is { } png && !SealPicture.TryReadPng(png, out _, out _, out var pictureError))
        {
            errors.Add(new FieldError("/picture", pictureError ?? "must be a PNG image"));
        }

        if (errors.Count > 0)
        {
            throw RegistryException.Validation(errors);
        }

        var department = await FindDepartmentAsync(code!, cancellationToken)
            ?? throw RegistryException.Validation("/department", "no department with this code is registered");
        return View(await MakeAsync(department, request.Kind, request.PicturePng, request.ValidYears ?? options.ValidityYears, caller.Code.Value, cancellationToken));
    }

    /// <summary>The certificates a verifier needs to trust the registry's signatures and seals, as PEM: the registry CA.</summary>
    public string TrustAnchorsPem() => keys.TrustAnchorPem;

    /// <summary>A seal's description, or null when there is none with this 印章编码.</summary>
    public async Task<SealView?> GetAsync(string esId, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(esId, cancellationToken);
        return record is null ? null : View(record);
    }

    /// <summary>The seal as a DER SESeal (<c>.esl</c>), or null.</summary>
    public async Task<byte[]?> GetEncodedAsync(string esId, CancellationToken cancellationToken = default) =>
        (await FindAsync(esId, cancellationToken))?.Encoded;

    /// <summary>The seal's picture (PNG), or null.</summary>
    public async Task<byte[]?> GetPictureAsync(string esId, CancellationToken cancellationToken = default)
    {
        var record = await FindAsync(esId, cancellationToken);
        return record is null ? null : Decode(record).PictureData.ToArray();
    }

    /// <summary>All seals, or one department's, newest first.</summary>
    public async Task<IReadOnlyList<SealView>> ListAsync(string? department = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Seals.AsNoTracking();
        if (department is not null)
        {
            query = query.Where(s => s.DepartmentCode == department);
        }

        var records = await query.ToListAsync(cancellationToken);
        return records.OrderByDescending(r => r.CreatedAtUtc).ThenBy(r => r.EsId, StringComparer.Ordinal).Select(View).ToList();
    }

    /// <summary>Revokes a seal: it signs nothing more, and verification reports signatures made with it after this moment as failed.</summary>
    /// <exception cref="RegistryException">Not an administrator, no such seal, already revoked, or no reason given.</exception>
    public async Task<SealView> RevokeAsync(DepartmentIdentity caller, string esId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Role != DepartmentRole.Admin)
        {
            throw new RegistryException(RegistryErrorCodes.NotAuthorised, "Only an administrator may revoke seals.");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            throw RegistryException.Validation("/reason", "a reason of 1 to 500 characters is required");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Seals.SingleOrDefaultAsync(s => s.EsId == esId, cancellationToken)
            ?? throw new RegistryException(RegistryErrorCodes.SealNotFound, $"No seal has 印章编码 {esId}.");
        if (record.RevokedAtUtc is not null)
        {
            throw new RegistryException(RegistryErrorCodes.InvalidStatusTransition, $"Seal {esId} was already revoked on {record.RevokedAtUtc:yyyy-MM-dd}.");
        }

        record.RevokedAtUtc = clock.GetUtcNow().UtcDateTime;
        record.RevocationReason = reason.Trim();
        await db.SaveChangesAsync(cancellationToken);
        activeSeals.Clear();
        return View(record);
    }

    /// <summary>The department's seal of this kind that is valid now and not revoked (the newest one).</summary>
    /// <exception cref="RegistryException">There is none: an administrator must make one.</exception>
    /// <param name="department">The signing department.</param>
    /// <param name="kind">The seal kind.</param>
    /// <param name="makeDemoSeal">Whether a pending demo seal may be made now; never inside another write transaction (SQLite allows one writer).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    internal async Task<SesSeal> ActiveSealAsync(Department department, string kind, bool makeDemoSeal, CancellationToken cancellationToken)
    {
        if (await FindActiveAsync(department, kind, cancellationToken) is { } found)
        {
            return Decode(found);
        }

        if (!makeDemoSeal || !options.CreateDemoSeals || !demoSealsFor.ContainsKey((department.Code.Value, kind)))
        {
            throw new RegistryException(RegistryErrorCodes.SignaturePolicyViolation,
                $"{department.Name} has no valid {kind}; an administrator must make one (POST /api/v1/seals).");
        }

        // Embedded default: the first license that needs this seal makes it, once (an administrator's revocation is respected).
        await demoSealLock.WaitAsync(cancellationToken);
        try
        {
            var record = await FindActiveAsync(department, kind, cancellationToken)
                ?? await MakeAsync(department, kind, null, options.ValidityYears, "registry", cancellationToken);
            demoSealsFor.TryRemove((department.Code.Value, kind), out _);
            return Decode(record);
        }
        finally
        {
            demoSealLock.Release();
        }
    }

    private async Task<SealRecord?> FindActiveAsync(Department department, string kind, CancellationToken cancellationToken)
    {
        // Every license looks its signers' seals up: a few seconds of memory spares the database. Revocations made through this
        // process clear it at once; another instance's revocation applies here within ActiveSealCacheTime.
        var key = (department.Code.Value, kind);
        var now = clock.GetUtcNow().UtcDateTime;
        if (activeSeals.TryGetValue(key, out var cached) && now - cached.At < ActiveSealCacheTime && now < cached.Record.ValidUntilUtc)
        {
            return cached.Record;
        }

        var found = await QueryActiveAsync(department, kind, now, cancellationToken);
        if (found is not null)
        {
            activeSeals[key] = (found, now);
        }

        return found;
    }

    private async Task<SealRecord?> QueryActiveAsync(Department department, string kind, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var candidates = await db.Seals.AsNoTracking()
            .Where(s => s.DepartmentCode == department.Code.Value && s.Kind == kind && s.RevokedAtUtc == null)
            .ToListAsync(cancellationToken);
        return candidates.Where(s => s.ValidFromUtc <= now && now < s.ValidUntilUtc).MaxBy(s => s.CreatedAtUtc);
    }

    /// <summary>A snapshot of revoked seals for the verifier's synchronous lookup.</summary>
    internal async Task<Func<string, SealRevocation?>> RevocationsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var revoked = await db.Seals.AsNoTracking().Where(s => s.RevokedAtUtc != null)
            .Select(s => new { s.EsId, s.RevokedAtUtc, s.RevocationReason }).ToListAsync(cancellationToken);
        var map = revoked.ToDictionary(s => s.EsId, s => new SealRevocation(new DateTimeOffset(s.RevokedAtUtc!.Value, TimeSpan.Zero), s.RevocationReason ?? string.Empty));
        return esId => map.GetValueOrDefault(esId);
    }

    /// <summary>Registers, for the embedded default, a demo seal for every department and kind the catalog's policies need and that never had one; each is made on first use.</summary>
    /// <returns>How many demo seals are pending.</returns>
    internal async Task<int> EnsureSealsForCatalogAsync(LicenseCatalog catalog, CancellationToken cancellationToken)
    {
        var all = (await departments.ListAsync(cancellationToken)).ToDictionary(d => d.Code);
        var needed = new HashSet<(UnifiedSocialCreditCode Code, string Kind)>();
        foreach (var type in catalog.Types)
        {
            foreach (var issuer in type.Issuers)
            {
                if (!all.TryGetValue(issuer, out var department))
                {
                    continue;
                }

                try
                {
                    foreach (var signature in SignerPlan.For(type, department, all))
                    {
                        needed.Add((signature.Department.Code, signature.SealKind));
                    }
                }
                catch (RegistryException)
                {
                    // The start-up warnings already name catalog entries whose co-signers are unknown.
                }
            }
        }

        // Made lazily, by the first license that needs each one: a start-up stays fast, and only seals in use exist.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var existing = (await db.Seals.AsNoTracking().Select(s => new { s.DepartmentCode, s.Kind }).ToListAsync(cancellationToken))
            .Select(s => (s.DepartmentCode, s.Kind)).ToHashSet();
        var pending = 0;
        foreach (var (code, kind) in needed)
        {
            if (!existing.Contains((code.Value, kind)) && demoSealsFor.TryAdd((code.Value, kind), true))
            {
                pending++;
            }
        }

        return pending;
    }

    private async Task<SealRecord> MakeAsync(Department department, string kind, byte[]? picture, int years, string createdBy, CancellationToken cancellationToken)
    {
        var signer = keys.ForDepartment(department);
        var now = clock.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddMinutes(-5);
        var end = start.AddYears(years);
        var name = department.Name + kind;
        picture ??= SealPicture.RenderOfficialSeal(department.Name, kind, fontPath, PictureMm, 200);
        SealPicture.TryReadPng(picture, out var widthPx, out var heightPx);

        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);

            // 印章编码: the department's administrative division (characters 3–8 of its code) and a sequence number.
            var division = department.Code.Value.Substring(2, 6);
            var taken = await db.Seals.AsNoTracking().CountAsync(s => s.EsId.StartsWith(division), cancellationToken);
            var esId = division + (taken + attempt).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var seal = SesSeal.Create(new SesSealDescription
            {
                EsId = esId,
                Name = name,
                SignerCertificates = [signer.Certificate],
                CreateDate = start,
                ValidStart = start,
                ValidEnd = end,
                PicturePng = picture,
                PictureWidthMm = PictureMm,
                PictureHeightMm = Math.Max(1, (int)Math.Round(PictureMm * (double)heightPx / Math.Max(1, widthPx))),
            }, keys.SealMaker);
            var record = new SealRecord
            {
                EsId = esId,
                DepartmentCode = department.Code.Value,
                Kind = kind,
                Name = name,
                Encoded = seal.Encoded.ToArray(),
                SignerCertificateSha256 = Convert.ToHexStringLower(SHA256.HashData(signer.Certificate.RawData)),
                ValidFromUtc = start.UtcDateTime,
                ValidUntilUtc = end.UtcDateTime,
                CreatedBy = createdBy,
                CreatedAtUtc = now.UtcDateTime,
            };
            db.Seals.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                activeSeals.Clear();
                return record;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Another seal took this number at the same moment: take the next.
            }
        }
    }

    private async Task<SealRecord?> FindAsync(string esId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Seals.AsNoTracking().SingleOrDefaultAsync(s => s.EsId == esId, cancellationToken);
    }

    private async Task<Department?> FindDepartmentAsync(UnifiedSocialCreditCode code, CancellationToken cancellationToken) =>
        (await departments.ListAsync(cancellationToken)).FirstOrDefault(d => d.Code == code);

    // A seal never changes once made (revocation is recorded beside it), so its decoded form is kept by 印章编码.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SesSeal> Decoded = new(StringComparer.Ordinal);

    private static SesSeal Decode(SealRecord record) => Decoded.TryGetValue(record.EsId, out var known) && known.Encoded.Span.SequenceEqual(record.Encoded)
        ? known
        : Decoded[record.EsId] = SesSeal.TryDecode(record.Encoded, out var seal, out var error)
            ? seal
            : throw new InvalidOperationException($"Stored seal {record.EsId} cannot be decoded: {error}");

    private static SealView View(SealRecord record)
    {
        var seal = Decode(record);
        var signer = seal.CertList.Count > 0
            ? System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(seal.CertList[0].Span).Subject
            : string.Empty;
        return new SealView(
            record.EsId,
            record.DepartmentCode,
            record.Kind,
            record.Name,
            new DateTimeOffset(record.ValidFromUtc, TimeSpan.Zero),
            new DateTimeOffset(record.ValidUntilUtc, TimeSpan.Zero),
            new DateTimeOffset(record.CreatedAtUtc, TimeSpan.Zero),
            record.CreatedBy,
            record.RevokedAtUtc is { } revoked ? new DateTimeOffset(revoked, TimeSpan.Zero) : null,
            record.RevocationReason,
            signer,
            seal.MakerCertificate.Subject,
            seal.PictureWidthMm,
            seal.PictureHeightMm);
    }
}
