using Functions.DeleteFile;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Runtime;

return await LambdaRuntime.RunAsync(logger => new HttpApiFunction(new Function(), logger, TimeProvider.System));
