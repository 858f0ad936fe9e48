using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Pixelated.MigrationPipeline.Components.Runs;

/// <summary>
/// A compiled EF Core query for each model it meets. EF Core ties a compiled query to the first model it runs with and throws
/// for any other, and one process can meet several: the SQLite and the PostgreSQL ledger, or contexts whose options differ
/// (interceptors), as in the tests and the bench. Entries go with their model.
/// </summary>
public sealed class CompiledPerModel<TQuery> where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();
    private readonly ConditionalWeakTable<IModel, TQuery>.CreateValueCallback _compile;

    public CompiledPerModel(Func<TQuery> compile) => _compile = _ => compile(); // one delegate, not one per call

    public TQuery For(DbContext db) => _byModel.GetValue(db.Model, _compile);
}
