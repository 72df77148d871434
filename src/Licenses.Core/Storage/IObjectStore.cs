namespace ElectronicLicense.Licenses.Storage;

/// <summary>A stored object, addressed by the SHA-256 of its bytes.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the content; also its address.</param>
/// <param name="Length">Length in bytes.</param>
public sealed record StoredObject(string Sha256, long Length);

/// <summary>Content-addressed storage for document files (PDF, OFD, archives).</summary>
/// <remarks>
/// Writes are idempotent: storing the same bytes twice yields the same address. An object is either fully
/// present with the right digest or absent; readers never see a partial write.
/// </remarks>
public interface IObjectStore
{
    /// <summary>Stores <paramref name="content"/> and returns its address.</summary>
    Task<StoredObject> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>Opens a stored object, or returns null when there is none with that digest.</summary>
    Task<Stream?> OpenReadAsync(string sha256, CancellationToken cancellationToken = default);
}
