using System.Collections.Frozen;

namespace ElectronicLicense.Licenses.Identifiers;

/// <summary>Legally issued early 统一社会信用代码 whose check character fails but which must still be accepted.</summary>
/// <remarks>
/// A code on the list is accepted by
/// <see cref="UnifiedSocialCreditCode.TryParse(string?, UsccAllowList, out UnifiedSocialCreditCode?, out string?)"/>
/// with <see cref="UnifiedSocialCreditCode.IsCheckCharacterValid"/> set to <see langword="false"/>,
/// so an exception is always visible to callers and never a silent bypass.
/// </remarks>
public sealed class UsccAllowList
{
    private readonly FrozenSet<string> codes;

    /// <summary>Creates an allow-list from full 18-character codes, stored in upper case.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="codes"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An entry is not 18 characters of the GB 32100-2015 charset.</exception>
    public UsccAllowList(IEnumerable<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var set = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (string code in codes)
        {
            if (code is null)
            {
                throw new ArgumentException($"allow-list entry {index + 1} is null", nameof(codes));
            }

            string? error = code.Length == 0 ? "统一社会信用代码 is required" : UnifiedSocialCreditCode.ValidateShape(code);
            if (error is not null)
            {
                throw new ArgumentException($"allow-list entry {index + 1}: {error}", nameof(codes));
            }

            set.Add(IdentifierText.ToAsciiUpper(code));
            index++;
        }

        this.codes = set.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Gets an allow-list with no entries, which makes parsing strict.</summary>
    public static UsccAllowList Empty { get; } = new([]);

    /// <summary>Gets the number of distinct codes on the list.</summary>
    public int Count => codes.Count;

    /// <summary>Returns whether the code, in either case, is on the list.</summary>
    public bool Contains(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return codes.Contains(IdentifierText.ToAsciiUpper(code));
    }
}
