using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Departments;

/// <summary>The departments known to the registry and their bearer credentials.</summary>
/// <remarks>
/// <para>Only SHA-256 hashes of tokens are stored: tokens are 256-bit random values, so a slow hash adds nothing.</para>
/// <para>Every API request authenticates, so a successful lookup is kept for <see cref="DepartmentOptions.CredentialCacheDuration"/>,
/// keyed by the token's hash (never the token); unknown tokens are not cached, so guessing cannot fill the cache.</para>
/// </remarks>
public sealed class DepartmentDirectory
{
    private const string TokenPrefix = "elic_";
    private const int MaxCachedCredentials = 10_000;
    private readonly IDbContextFactory<RegistryDbContext> contexts;
    private readonly TimeProvider clock;
    private readonly TimeSpan cacheDuration;
    private readonly ConcurrentDictionary<string, (DepartmentIdentity Identity, DateTimeOffset ExpiresAt)> cache = new(StringComparer.Ordinal);
    private long generation;

    internal DepartmentDirectory(IDbContextFactory<RegistryDbContext> contexts, TimeProvider clock, TimeSpan cacheDuration)
    {
        this.contexts = contexts;
        this.clock = clock;
        this.cacheDuration = cacheDuration < TimeSpan.Zero ? TimeSpan.Zero : cacheDuration;
    }

    /// <summary>Finds the department and role a bearer token belongs to, or null for an unknown or revoked token.</summary>
    public async Task<DepartmentIdentity?> AuthenticateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        var hash = Hash(token);
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(hash, out var cached) && now < cached.ExpiresAt)
        {
            return cached.Identity;
        }

        // A revocation while this lookup runs must not be undone by caching what the lookup read before it.
        var before = Interlocked.Read(ref generation);
        var identity = await LookUpAsync(hash, cancellationToken);
        if (identity is not null && cacheDuration > TimeSpan.Zero)
        {
            if (cache.Count >= MaxCachedCredentials)
            {
                cache.Clear();
            }

            cache[hash] = (identity, now + cacheDuration);
            if (Interlocked.Read(ref generation) != before)
            {
                cache.TryRemove(hash, out _);
            }
        }

        return identity;
    }

    /// <summary>Revokes the credential whose token is <paramref name="token"/>; it is refused from the next request on.</summary>
    /// <returns>False when no live credential has this token.</returns>
    public async Task<bool> RevokeCredentialAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = Hash(token);
        Interlocked.Increment(ref generation);
        cache.TryRemove(hash, out _);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var revoked = await db.Credentials.Where(c => c.TokenHash == hash && c.RevokedAtUtc == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAtUtc, now), cancellationToken);
        Interlocked.Increment(ref generation);
        cache.TryRemove(hash, out _);
        return revoked > 0;
    }

    private async Task<DepartmentIdentity?> LookUpAsync(string hash, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Credentials.AsNoTracking()
            .Where(c => c.TokenHash == hash && c.RevokedAtUtc == null)
            .Join(db.Departments, c => c.DepartmentCode, d => d.Code, (c, d) => new { c.Role, Department = d })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null || !DepartmentNames.TryParseRole(found.Role, out var role))
        {
            return null;
        }

        var department = ToDomain(found.Department);
        return department.Roles.Contains(role) ? new DepartmentIdentity(department, role) : null;
    }

    /// <summary>Acts as <paramref name="code"/> in <paramref name="role"/> without a token, for trusted local tools working on the data directory.</summary>
    /// <returns>The identity, or null when the department is unknown or does not hold the role.</returns>
    public async Task<DepartmentIdentity?> ActAsAsync(UnifiedSocialCreditCode code, DepartmentRole role, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Departments.AsNoTracking().SingleOrDefaultAsync(d => d.Code == code.Value, cancellationToken);
        var department = record is null ? null : ToDomain(record);
        return department is not null && department.Roles.Contains(role) ? new DepartmentIdentity(department, role) : null;
    }

    /// <summary>All departments, ordered by code.</summary>
    public async Task<IReadOnlyList<Department>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Departments.AsNoTracking().OrderBy(d => d.Code).ToListAsync(cancellationToken);
        return records.Select(ToDomain).ToArray();
    }

    /// <summary>Creates departments from a <c>departments.json</c> file and one credential per department and role, if the registry has no departments yet.</summary>
    /// <returns>The new tokens (department code → role → token), or null when departments already existed.</returns>
    /// <exception cref="InvalidDataException">The file is malformed; the message says where.</exception>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> SeedAsync(string file, CancellationToken cancellationToken = default)
    {
        var departments = ReadFile(file);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Departments.AnyAsync(cancellationToken))
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tokens = new SortedDictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var department in departments)
        {
            db.Departments.Add(new DepartmentRecord
            {
                Code = department.Code.Value,
                Name = department.Name,
                Level = DepartmentNames.Of(department.Level),
                ParentCode = department.Parent?.Value,
                Roles = string.Join(',', department.Roles.Order().Select(DepartmentNames.Of)),
                CreatedAtUtc = now,
            });
            var byRole = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var role in department.Roles.Order())
            {
                var token = NewToken();
                byRole[DepartmentNames.Of(role)] = token;
                db.Credentials.Add(new CredentialRecord
                {
                    DepartmentCode = department.Code.Value,
                    Role = DepartmentNames.Of(role),
                    TokenHash = Hash(token),
                    CreatedAtUtc = now,
                });
            }

            tokens[department.Code.Value] = byRole;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return tokens;
    }

    /// <summary>Reads and checks a departments file: valid codes, known parents, known levels and roles.</summary>
    public static IReadOnlyList<Department> ReadFile(string file)
    {
        var name = Path.GetFileName(file);
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{name}: the root must be an array of departments.");
        }

        var result = new List<Department>();
        var index = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var where = $"{name}[{index++}]";
            string Text(string key) => item.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0
                ? v.GetString()!
                : throw new InvalidDataException($"{where}: \"{key}\" must be a non-empty string.");

            if (!UnifiedSocialCreditCode.TryParse(Text("code"), out var code, out var error))
            {
                throw new InvalidDataException($"{where}.code: {error}");
            }

            if (!DepartmentNames.TryParseLevel(Text("level"), out var level))
            {
                throw new InvalidDataException($"{where}.level must be 市, 区县 or 乡镇.");
            }

            UnifiedSocialCreditCode? parent = null;
            if (item.TryGetProperty("parent", out var parentElement) && parentElement.ValueKind != JsonValueKind.Null
                && !UnifiedSocialCreditCode.TryParse(parentElement.GetString(), out parent, out error))
            {
                throw new InvalidDataException($"{where}.parent: {error}");
            }

            var roles = new HashSet<DepartmentRole>();
            if (!item.TryGetProperty("roles", out var rolesElement) || rolesElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{where}.roles must be an array.");
            }

            foreach (var role in rolesElement.EnumerateArray())
            {
                roles.Add(DepartmentNames.TryParseRole(role.GetString(), out var parsed)
                    ? parsed
                    : throw new InvalidDataException($"{where}.roles: unknown role; expected issuer, verifier, archivist or admin."));
            }

            result.Add(new Department(code, Text("name"), level, parent, roles));
        }

        var codes = result.Select(d => d.Code).ToHashSet();
        if (codes.Count != result.Count)
        {
            throw new InvalidDataException($"{name}: a department code appears twice.");
        }

        foreach (var department in result.Where(d => d.Parent is not null && !codes.Contains(d.Parent)))
        {
            throw new InvalidDataException($"{name}: the parent of {department.Code} is not in the file.");
        }

        return result;
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string NewToken() =>
        TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Department ToDomain(DepartmentRecord record) => new(
        UnifiedSocialCreditCode.Parse(record.Code),
        record.Name,
        DepartmentNames.TryParseLevel(record.Level, out var level) ? level : DepartmentLevel.City,
        record.ParentCode is null ? null : UnifiedSocialCreditCode.Parse(record.ParentCode),
        record.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => DepartmentNames.TryParseRole(r, out var role) ? role : (DepartmentRole?)null)
            .OfType<DepartmentRole>().ToHashSet());
}
