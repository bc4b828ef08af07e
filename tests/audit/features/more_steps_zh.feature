# language: zh-CN
功能: 审计员需要的步骤（中文，名称可不加引号）
  场景: 不加引号的中文名称（bth-92hao）
    # 北京市 2019 年：(4,000×0.5 + 2,000×0.4) 万 × 1/2 = 1,400 万
    假如 预设合同bth-92hao
    那么 北京市在2019年的净现金流为14,000,000.00元
    而且 北京市在2022年从sanshui_92分得9,000,000.00元
    而且 2022年各部分之和等于各税源金额
    而且 2022年北京市从sanshui_92得到的分成的说明包含「9,000,000.00」

  场景: 税源总额与可分享额、待弥补亏损、公司留存、内部收益率（jiangsu-south-north）
    假如 预设合同jiangsu-south-north
    那么 2025年park_vat的总额为2000万元
    而且 2025年park_vat的可分享额为1000万元
    而且 2027年末devco的待弥补亏损为12,000,000.00元
    而且 2028年devco的公司留存为12,300,000.00元
    而且 苏州工业园区在2028年从devco得到的分红为1,800,000.00元
    而且 苏州工业园区的内部收益率为18.92%

  场景: 资金池划入与单一税源的分成
    假如 合同如下：
      """yaml
      start_year: 2020
      years: 2
      parties: [{id: a, name: "甲县 / County A", role: sending}, {id: b, name: "乙区 / District B", role: receiving}]
      streams: [{id: t, name: 园区税收 / park tax, kind: tax, local_retention: 0.5, series: [200, 400]}]
      clauses:
        - {id: split, name: 税收分成 / tax split, kind: tax_split, basis: total, streams: [t], schedule: [{years: "1-2", shares: {a: 0.5, b: 0.5}}]}
        - id: pool
          kind: risk_pool
          funded_by: [{clause: split, rate: 0.1}]
          guarantees: [{party: a, floor: 100, counts: [split]}]
          backstop: b
      """
    那么 2020年划入pool的资金为10.00元
    而且 甲县在2021年从税收分成就园区税收分得90.00元
    而且 甲县没有内部收益率
