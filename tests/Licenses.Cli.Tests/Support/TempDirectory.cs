using Microsoft.Data.Sqlite;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted with its content on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        FullName = Directory.CreateTempSubdirectory("elic-cli-tests-").FullName;
    }

    public string FullName { get; }

    public string File(string name) => System.IO.Path.Combine(FullName, name);

    public void Dispose()
    {
        // Pooled SQLite connections keep the database open; release them before deleting.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(FullName, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder does not make a test wrong.
        }
    }
}
