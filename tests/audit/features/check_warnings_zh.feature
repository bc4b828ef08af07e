# language: zh-CN
功能: 静态检查（中文）
  场景: 期限短于缓冲期
    假如 合同如下：
      """yaml
      start_year: 2020
      years: 8
      parties: [{id: a, role: sending}, {id: b, role: receiving}]
      streams:
        - {id: moved, kind: tax, relocated_year: 2020, series: [100, 100, 100, 100, 100, 100, 100, 100]}
      clauses:
        - {id: buf, kind: buffer, party: a, years: 5, shape: flat, start: 0.5}
        - {id: end, kind: exit, term_years: 3}
      """
    当 进行静态检查
    那么 静态检查在clauses[1].term_years给出term_shorter_than_buffer警告
    而且 静态检查给出term_shorter_than_buffer警告
    而且 静态检查没有cap_never_binds警告

  场景: 预设合同没有警告
    假如 预设合同jiangsu-south-north
    那么 静态检查没有警告
