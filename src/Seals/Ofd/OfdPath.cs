using System.Diagnostics.CodeAnalysis;

namespace ElectronicLicense.Seals.Ofd;

/// <summary>Paths inside an OFD package (GB/T 33190 ST_Loc): absolute ("/Doc_0/Document.xml") or relative to the referring file's folder.</summary>
/// <remarks>
/// Package entries are named without a leading slash ("Doc_0/Document.xml"). A path that names a folder is written with a trailing
/// slash ("Doc_0/Signs/Sign_0/"). Resolution refuses anything that would leave the package: "..", backslashes, drive letters,
/// empty or "." segments, control characters.
/// </remarks>
public static class OfdPath
{
    /// <summary>Resolves <paramref name="location"/> against <paramref name="baseFolder"/> (a normalised folder, "" for the root) to a normalised entry name.</summary>
    public static bool TryResolve(string baseFolder, string location, [NotNullWhen(true)] out string? path)
    {
        ArgumentNullException.ThrowIfNull(baseFolder);
        ArgumentNullException.ThrowIfNull(location);
        path = null;
        var trimmed = location.Trim();
        if (trimmed.Length == 0)
        {
            return false;
        }

        string candidate;
        if (trimmed[0] == '/')
        {
            candidate = trimmed[1..];
        }
        else
        {
            var folder = baseFolder.Length == 0 || baseFolder.EndsWith('/') ? baseFolder : baseFolder + "/";
            candidate = folder + trimmed;
        }

        if (!IsSafeEntryName(candidate, out _))
        {
            return false;
        }

        path = candidate;
        return true;
    }

    /// <summary>Resolves a location or throws <see cref="OfdFormatException"/> naming it.</summary>
    public static string Resolve(string baseFolder, string location) => TryResolve(baseFolder, location, out var path)
        ? path
        : throw new OfdFormatException($"'{location}' (relative to '/{baseFolder}') is not a valid path inside the package.");

    /// <summary>The folder of an entry ("Doc_0/Signs/Sign_0/" for "Doc_0/Signs/Sign_0/Signature.xml"; "" at the root).</summary>
    public static string FolderOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..(slash + 1)];
    }

    /// <summary>The absolute ST_Loc form of an entry name, as written in signatures' references ("/Doc_0/Document.xml").</summary>
    public static string ToAbsolute(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return "/" + path.TrimStart('/');
    }

    /// <summary>Whether a ZIP entry name is safe and normalised; a folder entry may end with '/'.</summary>
    internal static bool IsSafeEntryName(string name, [NotNullWhen(false)] out string? why)
    {
        why = null;
        if (name.Length == 0)
        {
            why = "an empty name";
        }
        else if (name.Length > 512)
        {
            why = "a name longer than 512 characters";
        }
        else if (name[0] == '/')
        {
            why = "an absolute path";
        }
        else if (name.Contains('\\', StringComparison.Ordinal))
        {
            why = "a backslash";
        }
        else if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0]))
        {
            why = "a drive letter";
        }
        else if (name.Any(c => char.IsControl(c) || c == ':'))
        {
            why = "a control character or ':'";
        }
        else
        {
            var segments = (name.EndsWith('/') ? name[..^1] : name).Split('/');
            if (segments.Any(s => s == ".."))
            {
                why = "a '..' segment";
            }
            else if (segments.Any(s => s.Length == 0 || s == "."))
            {
                why = "an empty or '.' segment";
            }
        }

        return why is null;
    }
}
