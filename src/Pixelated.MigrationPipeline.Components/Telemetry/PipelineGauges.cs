using System.Diagnostics.Metrics;

namespace Pixelated.MigrationPipeline.Components.Telemetry;

/// <summary>
/// The gauges read from outside this process by <see cref="GaugePoller"/> (a scrape never waits for a query):
/// <c>pixelated_migration_users_in_flight{status}</c> (the ledger: users queued, migrating or awaiting validation in
/// runs that are neither finished nor paused; every host reads the same ledger, so aggregate with max, not sum) and
/// <c>pixelated_bus_dead_letter_messages{queue}</c> (RabbitMQ: messages in each consumer queue's <c>_error</c> and
/// <c>_dlq</c> queue, read with a passive declare; not reported on the in-memory bus, which keeps no such queues).
/// </summary>
public sealed class PipelineGauges
{
    private volatile IReadOnlyDictionary<string, long> _usersInFlight = new Dictionary<string, long>();
    private volatile IReadOnlyDictionary<string, long> _deadLetters = new Dictionary<string, long>();

    public PipelineGauges(IMeterFactory meters)
    {
        var meter = meters.Create(PipelineTelemetry.MeterName);
        meter.CreateObservableGauge("pixelated.migration.users_in_flight", () => Measure(_usersInFlight, "status"), unit: "{user}", description:
            "Users dispatched and not yet final (queued, migrating, migrated awaiting validation) in running runs, from the ledger");
        meter.CreateObservableGauge("pixelated.bus.dead_letter_messages", () => Measure(_deadLetters, "queue"), unit: "{message}", description:
            "Messages in the consumer queues' _error and _dlq queues (RabbitMQ)");
    }

    public IReadOnlyDictionary<string, long> UsersInFlight => _usersInFlight;
    public IReadOnlyDictionary<string, long> DeadLetters => _deadLetters;

    public void SetUsersInFlight(IReadOnlyDictionary<string, long> byStatus) => _usersInFlight = byStatus;
    public void SetDeadLetters(IReadOnlyDictionary<string, long> byQueue) => _deadLetters = byQueue;

    private static IEnumerable<Measurement<long>> Measure(IReadOnlyDictionary<string, long> values, string label) =>
        values.Select(v => new Measurement<long>(v.Value, new KeyValuePair<string, object?>(label, v.Key))).ToList();
}
