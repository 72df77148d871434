using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using ElectronicLicense.Licenses.Audit;

namespace ElectronicLicense.Cli.Audit;

/// <summary><c>elic audit</c>: checks the registry's audit log proofs offline, with nothing but files and the log's public key.</summary>
/// <remarks>Exit codes as <c>elic verify</c>: 0 the proof holds, 1 it does not, 64 bad usage or unreadable input.</remarks>
internal static class AuditCommand
{
    /// <summary>The command's name, also used by <see cref="CliApp"/> to pick its exit codes.</summary>
    public const string Name = "audit";

    public static Command Create(CliContext context)
    {
        var audit = new Command(Name, "Check audit log proofs (用证留痕) offline against signed tree heads");
        audit.Subcommands.Add(Inclusion(context));
        audit.Subcommands.Add(Consistency(context));
        return audit;
    }

    private static Command Inclusion(CliContext context)
    {
        var head = new Option<string>("--tree-head") { Description = "Signed tree head JSON (GET /api/v1/audit/tree-head)", Required = true, HelpName = "sth.json" };
        var proof = new Option<string>("--proof") { Description = "Inclusion proof JSON (GET /api/v1/audit/proofs/inclusion)", Required = true, HelpName = "proof.json" };
        var leaf = new Option<string>("--leaf") { Description = "The event JSON with its leaf bytes (GET /api/v1/audit/events/{index})", HelpName = "leaf.json" };
        var leafHash = new Option<string>("--leaf-hash") { Description = "The event's leaf hash (64 hex digits) instead of --leaf", HelpName = "hex" };
        var key = new Option<string>("--public-key") { Description = "The log's public key PEM (GET /api/v1/audit/public-key.pem)", Required = true, HelpName = "key.pem" };
        var command = new Command("verify", "Verify that an event is in the log: exit 0 proven, 1 not proven, 64 usage") { head, proof, leaf, leafHash, key };
        command.SetAction(parsed =>
        {
            var leafFile = parsed.GetValue(leaf);
            var hashText = parsed.GetValue(leafHash);
            if ((leafFile is null) == (hashText is null))
            {
                throw new CliException("give exactly one of --leaf and --leaf-hash.");
            }

            var publicKey = LoadKey(parsed.GetValue(key)!);
            var sth = Read<SignedTreeHead>(parsed.GetValue(head)!, "tree head");
            var inclusion = Read<InclusionProof>(parsed.GetValue(proof)!, "inclusion proof");
            byte[] hash;
            if (leafFile is not null)
            {
                var view = Read<LeafFile>(leafFile, "event");
                if (view.Leaf is null)
                {
                    throw new CliException($"'{leafFile}' has no \"leaf\" (the base64 leaf bytes of GET /api/v1/audit/events/{{index}}).");
                }

                if (view.Index != inclusion.LeafIndex)
                {
                    return Fail(context, $"the event is leaf {view.Index}, the proof is for leaf {inclusion.LeafIndex}.");
                }

                hash = MerkleTree.LeafHash(Decode(view.Leaf, leafFile));
            }
            else if (!TryHex(hashText!, out hash))
            {
                throw new CliException("--leaf-hash must be 64 hex digits.");
            }

            if (!sth.VerifySignature(publicKey))
            {
                return Fail(context, "the tree head's signature does not verify with this public key (or names another key).");
            }

            if (!inclusion.Verify(hash, sth))
            {
                return Fail(context, $"the proof does not lead from leaf {inclusion.LeafIndex} to the signed root of the tree of {sth.TreeSize} events.");
            }

            context.Output.WriteLine($"OK: leaf {inclusion.LeafIndex} ({Convert.ToHexStringLower(hash)}) is in the log of {sth.TreeSize} events, root {sth.RootHash}, signed {DateTimeOffset.FromUnixTimeMilliseconds(sth.Timestamp):u} by key {sth.KeyId[..16]}….");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Consistency(CliContext context)
    {
        var older = new Option<string>("--old") { Description = "The older signed tree head JSON", Required = true, HelpName = "sth1.json" };
        var newer = new Option<string>("--new") { Description = "The newer signed tree head JSON", Required = true, HelpName = "sth2.json" };
        var proof = new Option<string>("--proof") { Description = "Consistency proof JSON (GET /api/v1/audit/proofs/consistency)", Required = true, HelpName = "proof.json" };
        var key = new Option<string>("--public-key") { Description = "The log's public key PEM", Required = true, HelpName = "key.pem" };
        var command = new Command("consistency", "Verify that the newer tree extends the older one without rewriting it: exit 0 proven, 1 not proven, 64 usage")
        {
            older, newer, proof, key,
        };
        command.SetAction(parsed =>
        {
            var publicKey = LoadKey(parsed.GetValue(key)!);
            var first = Read<SignedTreeHead>(parsed.GetValue(older)!, "older tree head");
            var second = Read<SignedTreeHead>(parsed.GetValue(newer)!, "newer tree head");
            var consistency = Read<ConsistencyProof>(parsed.GetValue(proof)!, "consistency proof");
            if (!first.VerifySignature(publicKey) || !second.VerifySignature(publicKey))
            {
                return Fail(context, "a tree head's signature does not verify with this public key (or names another key).");
            }

            if (!consistency.Verify(first, second))
            {
                return Fail(context, $"the proof does not show that the tree of {second.TreeSize} events extends the tree of {first.TreeSize}: the log may have been rewritten.");
            }

            context.Output.WriteLine($"OK: the log of {second.TreeSize} events (root {second.RootHash}) extends the log of {first.TreeSize} events (root {first.RootHash}).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static int Fail(CliContext context, string why)
    {
        context.Output.WriteLine("FAILED: " + why);
        return ExitCodes.Failed;
    }

    private sealed class LeafFile
    {
        public long Index { get; set; }

        public string? Leaf { get; set; }
    }

    private static T Read<T>(string path, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), CliJson.Options)
                ?? throw new CliException($"'{path}' holds no {what}.") { ExitCode = ExitCodes.Usage };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}", e) { ExitCode = ExitCodes.Usage };
        }
        catch (JsonException e)
        {
            throw new CliException($"'{path}' is not a {what} in JSON: {e.Message}", e) { ExitCode = ExitCodes.Usage };
        }
    }

    private static ECDsa LoadKey(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new CliException($"'{path}' is not a readable EC public key PEM.", e) { ExitCode = ExitCodes.Usage };
        }
    }

    private static byte[] Decode(string base64, string path)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new CliException($"'{path}': \"leaf\" is not base64.", e) { ExitCode = ExitCodes.Usage };
        }
    }

    private static bool TryHex(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length != 64)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
