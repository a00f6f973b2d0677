using Functions.LambdaKit.Http;
using Functions.LambdaKit.Runtime;
using Functions.QueryEvents;

return await LambdaRuntime.RunAsync(logger => new HttpApiFunction(new Function(), logger, TimeProvider.System));
