// Several tests hold a transaction open on purpose (late commits, leadership, seals); the safe
// high-water mark is cluster-wide, so the classes of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
