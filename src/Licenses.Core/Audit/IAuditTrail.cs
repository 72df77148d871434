namespace ElectronicLicense.Licenses.Audit;

/// <summary>The append-only, tamper-evident audit log (用证留痕) every service writes to.</summary>
public interface IAuditTrail
{
    /// <summary>Appends an event; completes once it is durably stored and has its leaf index.</summary>
    /// <returns>The event as stored.</returns>
    Task<AuditedEvent> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Appends every event that services wrote to the audit outbox before this call (in their own transactions).</summary>
    /// <remarks>Completes when they are in the log; rows another process is appending at that moment are left to it.</remarks>
    Task AppendOutboxAsync(CancellationToken cancellationToken = default);

    /// <summary>The events that concern one holder, newest first: every use of their licenses and grants.</summary>
    Task<IReadOnlyList<AuditedEvent>> ForHolderAsync(string holderCode, int skip, int take, CancellationToken cancellationToken = default);
}
