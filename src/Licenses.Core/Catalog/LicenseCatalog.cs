using System.Diagnostics.CodeAnalysis;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Catalog;

/// <summary>The license catalog (证照目录): every license type the registry accepts, loaded and checked at start-up.</summary>
public sealed class LicenseCatalog
{
    private readonly Dictionary<LicenseTypeCode, LicenseType> byCode;

    internal LicenseCatalog(IEnumerable<LicenseType> types)
    {
        Types = types.OrderBy(t => t.Code.Value, StringComparer.Ordinal).ToArray();
        byCode = Types.ToDictionary(t => t.Code);
    }

    /// <summary>All types, ordered by code.</summary>
    public IReadOnlyList<LicenseType> Types { get; }

    /// <summary>Loads every <c>*.schema.json</c> in <paramref name="directory"/>.</summary>
    /// <exception cref="CatalogException">A file is not a valid license type schema; the message names it.</exception>
    public static LicenseCatalog Load(string directory) => CatalogLoader.Load(directory);

    /// <summary>Finds a type by code.</summary>
    public bool TryGet(LicenseTypeCode code, [NotNullWhen(true)] out LicenseType? type) => byCode.TryGetValue(code, out type);
}
