using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Pixelated.MigrationPipeline.Bench;

/// <summary>
/// The outermost middleware of the service under benchmark (a startup filter runs before the app's own pipeline): for a
/// request carrying <see cref="OperationHeader"/>, times the whole pipeline (authentication, idempotency, endpoint,
/// audit) and the Zep and database time inside it, and hands them to the recorder under the operation's name.
/// </summary>
public sealed class MemoryServerTimingFilter(MemoryLatencyRecorder recorder) : IStartupFilter
{
    public const string OperationHeader = "X-Bench-Operation";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var operation = context.Request.Headers[OperationHeader].ToString();
            if (operation.Length == 0)
            {
                await nextMiddleware(context);
                return;
            }
            var spent = MemoryRequestTime.Begin();
            var started = Stopwatch.GetTimestamp();
            await nextMiddleware(context);
            recorder.RecordServer(operation, Stopwatch.GetElapsedTime(started).TotalMilliseconds, spent);
        });
        next(app);
    };
}
