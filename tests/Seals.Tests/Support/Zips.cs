using System.Buffers.Binary;
using System.IO.Compression;

namespace ElectronicLicense.Seals.Tests.Support;

/// <summary>Hand-made ZIP files, including the hostile ones a reader must refuse.</summary>
internal static class Zips
{
    public static string Interop(string file) => Path.Combine(AppContext.BaseDirectory, "Interop", file);

    /// <summary>A ZIP with the given names and contents, written as given (no checks).</summary>
    public static byte[] Create(params (string Name, string Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
            }
        }

        return output.ToArray();
    }

    /// <summary>One entry inflating to <paramref name="length"/> zero bytes, compressed while streaming (never held in memory).</summary>
    public static byte[] ZeroBomb(long length)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry("Doc_0/Pages/Page_0/Content.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < length; written += zeros.Length)
            {
                stream.Write(zeros, 0, (int)Math.Min(zeros.Length, length - written));
            }
        }

        return output.ToArray();
    }

    /// <summary>Applies <paramref name="patch"/> to every central directory header (signature PK\1\2) of a ZIP.</summary>
    public static byte[] PatchCentralDirectory(byte[] zip, Action<Span<byte>> patch)
    {
        var copy = (byte[])zip.Clone();
        for (var at = 0; at + 46 <= copy.Length; at++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at)) == 0x02014B50)
            {
                patch(copy.AsSpan(at, 46));
            }
        }

        return copy;
    }
}
