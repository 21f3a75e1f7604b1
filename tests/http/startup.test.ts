/** Issue 10: the server refuses to start when a configured file is missing, naming the setting and the file. */
import { describe, expect, it } from 'vitest';
import { startServer } from './support.ts';

describe('server start', () => {
  it('stops with the setting and the file named when the code list is missing', async () => {
    const started = startServer({ CODE_LIST_PATH: 'content/settings/codes/missing.tsv' });
    await expect(started).rejects.toThrow(/server exited 1[\s\S]*CODE_LIST_PATH: 分组代码表 .*missing\.tsv 不存在[\s\S]*服务器未启动/);
  });

  it('stops on a TRUST_PROXY that is not a number of proxies', async () => {
    await expect(startServer({ TRUST_PROXY: 'yes please' })).rejects.toThrow(/TRUST_PROXY=yes please：应为反向代理的层数/);
  });
});
