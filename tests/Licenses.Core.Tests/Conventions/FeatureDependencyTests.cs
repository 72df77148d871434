using System.Text.RegularExpressions;
using ElectronicLicense.Licenses.Tests.Samples;

namespace ElectronicLicense.Licenses.Tests.Conventions;

/// <summary>Feature folders of Core depend one way: every edge is written down here, and the written graph has no cycle.</summary>
/// <remarks>
/// An edge is a <c>using ElectronicLicense.Licenses.X</c> line, or a name qualified by another folder's namespace
/// (<c>Presentation.OfflinePayloadIssuer</c>, a <c>cref</c> included), in any file of a folder. The files at the root of
/// Core (the service registration and the initializer) put the features together and may use them all.
/// </remarks>
public partial class FeatureDependencyTests
{
    private static readonly string Core = Path.Combine(RepositoryFiles.Root, "src", "Licenses.Core");

    /// <summary>What each folder may use, lowest layers first.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Errors"] = [],
        ["Identifiers"] = [],
        ["Catalog"] = ["Errors", "Identifiers"],
        ["Lifecycle"] = ["Catalog", "Errors", "Identifiers"],
        ["Persistence"] = ["Identifiers", "Lifecycle"],
        ["Storage"] = ["Persistence"],
        ["Departments"] = ["Identifiers", "Persistence"],
        ["StatusLists"] = ["Lifecycle", "Persistence"],
        ["Sealing"] = ["Catalog", "Departments", "Errors", "Identifiers", "Persistence"],
        ["Audit"] = ["Departments", "Errors", "Persistence", "Sealing"],
        ["Registry"] = ["Audit", "Catalog", "Departments", "Errors", "Identifiers", "Lifecycle", "Persistence", "StatusLists", "Storage"],
        ["Issuance"] = ["Catalog", "Departments", "Errors", "Identifiers", "Lifecycle", "Persistence", "Registry", "Sealing", "Storage"],
        ["Sharing"] = ["Audit", "Catalog", "Departments", "Errors", "Identifiers", "Lifecycle", "Persistence", "Registry", "Storage"],
        ["Verification"] = ["Audit", "Catalog", "Departments", "Errors", "Identifiers", "Issuance", "Lifecycle", "Persistence", "Sealing", "Sharing"],
        ["Archiving"] = ["Audit", "Catalog", "Departments", "Errors", "Identifiers", "Lifecycle", "Persistence", "Sealing", "Storage", "Verification"],
        ["Presentation"] = ["Identifiers", "Persistence", "Sealing", "StatusLists", "Verification"],
        ["Ingest"] = ["Archiving", "Audit", "Catalog", "Departments", "Errors", "Identifiers", "Issuance", "Lifecycle", "Persistence", "Presentation", "Storage"],
    };

    [Fact]
    public void Every_folder_of_Core_is_listed()
    {
        var folders = Directory.GetDirectories(Core).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Order(StringComparer.Ordinal);

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), folders);
    }

    [Fact]
    public void Folders_use_only_the_folders_they_are_allowed_to()
    {
        var unexpected = new List<string>();
        foreach (var (folder, allowed) in Allowed)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Core, folder), "*.cs", SearchOption.AllDirectories))
            {
                var text = File.ReadAllText(file);
                foreach (var used in UsedFolders(text).Where(u => u != folder && !allowed.Contains(u)).Distinct())
                {
                    unexpected.Add($"{Path.GetRelativePath(Core, file)} uses {used}: {folder} → {used} is not an allowed edge");
                }
            }
        }

        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected));
    }

    [Fact]
    public void The_allowed_edges_have_no_cycle()
    {
        // Kahn's algorithm: a folder can be placed once everything it uses has been.
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var remaining = Allowed.Keys.ToList();
        while (remaining.Count > 0)
        {
            var ready = remaining.Where(f => Allowed[f].All(placed.Contains)).ToList();
            Assert.True(ready.Count > 0, "The allowed edges form a cycle among: " + string.Join(", ", remaining));
            placed.UnionWith(ready);
            remaining.RemoveAll(ready.Contains);
        }
    }

    [Fact]
    public void UsedFolders_sees_using_lines_and_qualified_names()
    {
        const string text = """
            using ElectronicLicense.Licenses.Registry;
            using ElectronicLicense.Licenses.Archiving.BagIt;
            using ElectronicLicense.Seals.Pki;
            /// <see cref="Errors.RegistryException"/>
            var issuer = new Presentation.OfflinePayloadIssuer();
            var entry = ElectronicLicense.Licenses.StatusLists.StatusListValue.Valid;
            var count = options.Storage.Count;
            """;

        Assert.Equal(["Archiving", "Errors", "Presentation", "Registry", "StatusLists"], UsedFolders(text).Distinct().Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> UsedFolders(string text)
    {
        foreach (Match match in UsingLine().Matches(text))
        {
            yield return match.Groups["folder"].Value;
        }

        foreach (Match match in QualifiedName().Matches(text))
        {
            if (Allowed.ContainsKey(match.Groups["folder"].Value))
            {
                yield return match.Groups["folder"].Value;
            }
        }
    }

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?ElectronicLicense\.Licenses\.(?<folder>\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    // A folder name that starts a qualified name: not preceded by a letter, digit, '_' or '.', except after ElectronicLicense.Licenses.
    [GeneratedRegex(@"(?:(?<![\w.])|(?<=ElectronicLicense\.Licenses\.))(?<folder>[A-Z]\w*)\.[A-Z]")]
    private static partial Regex QualifiedName();
}
