using System.Security.Cryptography;
using System.Text.Json;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>Temporary in-process audit trail (no persistence, no proofs) until the Merkle log lands.</summary>
internal sealed class MemoryAuditTrail(TimeProvider clock) : IAuditTrail
{
    private readonly List<AuditedEvent> events = [];

    public Task<AuditedEvent> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        lock (events)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData([0, .. JsonSerializer.SerializeToUtf8Bytes(entry)]));
            var stored = new AuditedEvent(events.Count, clock.GetUtcNow(), entry, hash);
            events.Add(stored);
            return Task.FromResult(stored);
        }
    }

    public Task<IReadOnlyList<AuditedEvent>> ForHolderAsync(string holderCode, int skip, int take, CancellationToken cancellationToken = default)
    {
        lock (events)
        {
            IReadOnlyList<AuditedEvent> found = events.Where(e => e.Entry.HolderCode == holderCode).Reverse().Skip(skip).Take(take).ToArray();
            return Task.FromResult(found);
        }
    }
}
