using Functions.LambdaKit.Runtime;
using Functions.ProcessRecords;

return await LambdaRuntime.RunAsync(logger => new Function(logger));
